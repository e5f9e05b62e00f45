/**
 * Real registries for tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1 at a free
 * port, with its own temporary storage, optionally behind htpasswd basic auth or token auth
 * (tokens signed by a certificate the test made, served by a token endpoint the test runs).
 * Stop each one from `after`: it is killed by pid and its directory removed.
 * @module
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopProcess } from './process.ts';

const run = promisify(execFile);

/** A running registry. */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, the name images use. */
  host: string;
  port: number;
  /** Its storage root (tests may damage blobs there). */
  storage: string;
  pid: number;
  stop(): Promise<void>;
}

/** Options of {@link startRegistry}. */
export interface RegistryOptions {
  /** Basic auth with this user. */
  htpasswd?: { user: string; password: string };
  /** Token auth: the realm URL and the PEM files of the signing certificate. */
  token?: { realm: string; service: string; issuer: string; certPath: string };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts docker-registry; resolves when `/v2/` answers. */
export async function startRegistry(o: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'moorage-registry-'));
  const port = await freePort();
  let auth = '';
  if (o.htpasswd) {
    const { stdout } = await run('htpasswd', ['-Bbn', o.htpasswd.user, o.htpasswd.password]);
    await writeFile(join(dir, 'htpasswd'), stdout);
    auth = `auth:\n  htpasswd:\n    realm: moorage-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (o.token) {
    auth = `auth:\n  token:\n    realm: ${o.token.realm}\n    service: ${o.token.service}\n    issuer: ${o.token.issuer}\n    rootcertbundle: ${o.token.certPath}\n`;
  }
  const config = `version: 0.1
log:
  level: ${process.env.MOORAGE_TEST_REGISTRY_DEBUG ? 'debug' : 'error'}
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
${auth}`;
  await writeFile(join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', process.env.MOORAGE_TEST_REGISTRY_DEBUG ? 'inherit' : 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d) => { err += d; });
  const stop = async () => {
    await stopProcess(child, 5000);
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not start: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host: `127.0.0.1:${port}`, port, storage: join(dir, 'data'), pid: child.pid!, stop };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/v2/' }, (res) => { res.resume(); resolve(true); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** A token server for a token-auth registry: issues ES256 JWTs for the asked scopes to one user. */
export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certPath: string;
  /** Requests it answered, for assertions (query strings). */
  requests: string[];
  stop(): Promise<void>;
}

/** Starts a token server on 127.0.0.1 (key and certificate made with openssl). */
export async function startTokenServer(user: { name: string; password: string }): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), 'moorage-token-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath,
    '-out', certPath, '-days', '2', '-subj', '/CN=moorage-test-token']);
  const key = createPrivateKey(await readFile(keyPath));
  const der = (await readFile(certPath, 'utf8')).replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const service = 'moorage-test-registry';
  const issuer = 'moorage-test-issuer';
  const requests: string[] = [];
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const refreshTokens = new Set<string>();
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let body = '';
    for await (const c of req) body += String(c);
    // The OAuth2 POST form (a refresh token from an earlier login, or a password), else the GET form.
    const form = req.method === 'POST' ? new URLSearchParams(body) : null;
    requests.push(form ? `POST ${body}` : url.search);
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [name, password] = basic ? Buffer.from(basic[1]!, 'base64').toString().split(':')
      : form?.get('grant_type') === 'password' ? [form.get('username'), form.get('password')] : [];
    const refreshed = form?.get('grant_type') === 'refresh_token' && refreshTokens.has(form.get('refresh_token') ?? '');
    const authed = refreshed || (name === user.name && password === user.password);
    if ((basic || form) && !authed) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"incorrect username or password"}');
      return;
    }
    const scopes = form ? (form.get('scope') ?? '').split(' ').filter(Boolean) : url.searchParams.getAll('scope');
    const access = scopes.flatMap((s) => {
      const [type, repo, actions] = s.split(':');
      // Anonymous users may pull only; the user may pull and push.
      const allowed = (actions ?? '').split(',').filter((a) => authed || a === 'pull');
      return type === 'repository' && repo ? [{ type, name: repo, actions: allowed }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [der] };
    const claims = { iss: issuer, sub: authed ? user.name : '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const input = `${b64(header)}.${b64(claims)}`;
    const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const token = `${input}.${sig}`;
    const answer: Record<string, unknown> = { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() };
    if (url.searchParams.get('offline_token') === 'true' && authed) {
      answer.refresh_token = `refresh-${randomBytes(8).toString('hex')}`;
      refreshTokens.add(answer.refresh_token as string);
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    realm: `http://127.0.0.1:${port}/token`, service, issuer, certPath, requests,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
