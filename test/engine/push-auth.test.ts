/**
 * Push and registry authentication through the real docker CLI (and moorage's): `docker login`
 * (POST /auth) against htpasswd basic auth and against a token-auth registry whose token
 * endpoint the test serves; `docker push` (HEAD, upload, cross-repository mount); pulls with
 * the stored credentials; refusals reported clearly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { allStarted } from '../helpers/process.ts';
import { startDaemon, type CliResult, type TestDaemon } from '../helpers/daemon.ts';
import { startRegistry, startTokenServer, type TestRegistry, type TokenServer } from '../helpers/registry.ts';

describe('push and registry auth', () => {
  let d: TestDaemon;
  let basic: TestRegistry;
  let tokens: TokenServer;
  let tokenReg: TestRegistry;
  let home: string;
  const user = { name: 'moor', password: 's3cret' };

  /** The docker CLI with its own config dir (where `docker login` stores credentials). */
  const docker = (config: string, args: string[]): Promise<CliResult> => new Promise((resolve) => {
    execFile('docker', args, { env: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: join(home, config) }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 255) : 0, stdout, stderr }));
  });

  before(async () => {
    tokens = await startTokenServer({ name: user.name, password: user.password });
    await allStarted([
      startDaemon().then((x) => { d = x; }),
      startRegistry({ htpasswd: { user: user.name, password: user.password } }).then((x) => { basic = x; }),
      startRegistry({ token: { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, certPath: tokens.certPath } }).then((x) => { tokenReg = x; }),
    ]);
    home = await mkdtemp('/tmp/moorage-auth-');
  });
  after(async () => {
    await d?.stop();
    await basic?.stop();
    await tokenReg?.stop();
    await tokens?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  test('basic auth: login refuses a wrong password, push uploads then finds layers there, pull uses the login', async () => {
    const bad = await docker('basic', ['login', basic.host, '-u', user.name, '-p', 'wrong']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unauthorized|incorrect username or password/i);
    const ok = await docker('basic', ['login', basic.host, '-u', user.name, '-p', user.password]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Login Succeeded/);
    const ref = `${basic.host}/me/bb:v1`;
    assert.equal((await d.docker(['tag', 'busybox', ref])).code, 0);
    const anon = await docker('nobody', ['push', ref]);
    assert.equal(anon.code, 1, 'an anonymous push is refused');
    assert.match(anon.stderr, /unauthorized|authentication required/i);
    const push = await docker('basic', ['push', ref]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, new RegExp(`The push refers to repository \\[${basic.host}/me/bb\\]`));
    assert.match(push.stdout, /: Pushed/);
    const digest = /v1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push.stdout)?.[1];
    assert.ok(digest, push.stdout);
    const again = await docker('basic', ['push', ref]);
    assert.match(again.stdout, /Layer already exists/);
    assert.equal((await d.docker(['rmi', ref])).code, 0);
    const anonPull = await docker('nobody', ['pull', ref]);
    assert.notEqual(anonPull.code, 0, 'an anonymous pull is refused');
    const pull = await docker('basic', ['pull', ref]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, new RegExp(`Digest: ${digest}`));
    assert.equal((await d.docker(['run', '--rm', ref, 'echo', 'pushed and pulled'])).stdout, 'pushed and pulled\n');
  });

  test('token auth: login asks for a refresh token, push gets a push-scoped token, a second repository mounts the blobs', async () => {
    const login = await docker('token', ['login', tokenReg.host, '-u', user.name, '-p', user.password]);
    assert.equal(login.code, 0, login.stderr);
    assert.ok(tokens.requests.some((q) => q.includes('offline_token=true') && q.includes('client_id=docker')), tokens.requests.join('\n'));
    const ref = `${tokenReg.host}/team/app:v1`;
    assert.equal((await d.docker(['tag', 'busybox', ref])).code, 0);
    const push = await docker('token', ['push', ref]);
    assert.equal(push.code, 0, push.stderr);
    // The docker CLI keeps the refresh token login returned and sends it; the engine trades it (OAuth2 POST form).
    assert.ok(tokens.requests.some((q) => q.startsWith('POST') && q.includes('grant_type=refresh_token')
      && decodeURIComponent(q).includes('scope=repository:team/app:pull,push')), tokens.requests.join('\n'));
    const other = `${tokenReg.host}/team/other:v1`;
    assert.equal((await d.docker(['tag', 'busybox', other])).code, 0);
    const mounted = await docker('token', ['push', other]);
    assert.equal(mounted.code, 0, mounted.stderr);
    assert.match(mounted.stdout, /Mounted from team\/app/);
    const anonPush = await docker('nobody', ['push', ref]);
    assert.equal(anonPush.code, 1);
    assert.equal((await d.docker(['rmi', ref, other])).code, 0);
    const anonPull = await docker('nobody', ['pull', ref]);
    assert.equal(anonPull.code, 0, `anonymous pulls get a pull token: ${anonPull.stderr}`);
  });

  test("moorage's own login, push and pull share docker's config.json", async () => {
    const env = { DOCKER_CONFIG: join(home, 'moorage') };
    const m = (args: string[]) => new Promise<CliResult>((resolve) => {
      execFile(process.execPath, [join(import.meta.dirname, '../../bin/moorage.mjs'), ...args],
        { env: { ...process.env, ...env, MOORAGE_HOST: d.host }, timeout: 120_000 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 255) : 0, stdout, stderr }));
    });
    assert.equal((await m(['login', basic.host, '-u', user.name, '-p', user.password])).stdout, 'Login Succeeded\n');
    const ref = `${basic.host}/me/moorage:v2`;
    assert.equal((await m(['tag', 'busybox', ref])).code, 0);
    const push = await m(['push', ref]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /v2: digest: sha256:/);
    assert.equal((await m(['rmi', ref])).code, 0);
    const pull = await m(['pull', ref]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, new RegExp(`${ref.replace(/[.]/g, '\\.')}\\n$`));
    assert.equal((await docker('moorage', ['pull', ref])).code, 0, 'the docker CLI reads the login moorage stored');
  });
});
