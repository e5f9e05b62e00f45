/**
 * Bad input on pull, against a real registry behind a proxy that damages answers on purpose:
 * a blob whose digest does not match, a blob cut short, a connection that dies mid-blob, a
 * manifest over 4 MiB, unknown media types, an unreachable registry, layers that try to escape.
 * Each is a clear error, leaves no blob, layer or partial download behind, and the next pull works.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { allStarted } from '../helpers/process.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { freePort, startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { busyboxLayer, publishImage, type ImageSpec } from '../helpers/oci.ts';
import { countingProxy, type CountingProxy, type Rule } from '../helpers/proxy.ts';
import type { TarEntry } from '../helpers/tar.ts';
import { call } from '../helpers/api.ts';

/** POST through the engine's socket, with the empty credentials the docker CLI sends. */
const api = (socket: string, path: string) => call(socket, 'POST', path, undefined, { 'X-Registry-Auth': 'e30=' });

describe('bad input on pull', () => {
  let d: TestDaemon;
  let reg: TestRegistry;
  let proxy: CountingProxy;
  let work: string;
  let host: string;
  let busybox: Buffer;
  let baseline: string;
  const base = (): TarEntry[] => busyboxLayer(busybox, ['sh', 'cat', 'ls']);
  const publish = (repo: string, spec: ImageSpec) => publishImage(reg.host, work, repo, spec, host);
  /** Everything the engine stores for images, to compare before and after a failure. */
  const state = async () => {
    const list = async (p: string) => (await readdir(join(d.dataRoot, p)).catch(() => [])).sort().join(',');
    return [await list('content/blobs/sha256'), await list('content/ingest'), await list('layers'), await list('images')].join(' | ');
  };
  /** A pull that must fail with `message`, leave nothing, and work once the fault is gone. */
  const failsCleanly = async (ref: string, rules: Rule[], message: RegExp) => {
    proxy.setRules(rules);
    const r = await d.docker(['pull', ref]);
    proxy.setRules([]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, message);
    assert.equal(await state(), baseline, 'nothing of the failed pull is left');
    const again = await d.docker(['pull', ref]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await d.docker(['run', '--rm', ref, 'cat', '/data'])).stdout, 'good\n');
    assert.equal((await d.docker(['rmi', ref])).code, 0);
    assert.equal(await state(), baseline, 'rmi collects what the pull stored');
  };

  before(async () => {
    await allStarted([startDaemon().then((x) => { d = x; }), startRegistry().then((x) => { reg = x; })]);
    proxy = await countingProxy(reg.port);
    host = `127.0.0.1:${proxy.port}`;
    work = await mkdtemp('/tmp/moorage-faults-');
    busybox = await readFile('/bin/busybox');
    baseline = await state();
  });
  after(async () => {
    await d?.stop();
    await proxy?.stop();
    await reg?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('a blob whose digest does not match, one cut short, and a registry that dies mid-blob', async () => {
    const img = await publish('bad/blob', { layers: [{ entries: base() }, { entries: [{ name: 'data', body: 'good\n' }, { name: 'pad', body: Buffer.alloc(1 << 20, 3) }], compression: 'none' }] });
    const top = `/blobs/${img.layers[1]!.digest}`;
    await failsCleanly(img.ref, [{ path: top, fault: { kind: 'corrupt' } }], /does not match its digest/);
    await failsCleanly(img.ref, [{ path: top, fault: { kind: 'truncate' } }], /truncated|closed mid-body/);
    await failsCleanly(img.ref, [{ path: top, fault: { kind: 'die', afterBytes: 4096 } }], /closed mid-body|truncated/);
  });

  test('a manifest over 4 MiB and unknown media types are refused before anything is fetched', async () => {
    const img = await publish('bad/manifest', { layers: [{ entries: [...base(), { name: 'data', body: 'good\n' }] }] });
    const huge = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', pad: 'x'.repeat(5 << 20) }));
    await failsCleanly(img.ref, [{ path: '/manifests/v1', fault: { kind: 'replace', body: huge, contentType: 'application/vnd.oci.image.manifest.v1+json' } }], /over the limit/);
    const unknownType = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.example.unknown+json', config: img.config, layers: img.layers }));
    await failsCleanly(img.ref, [{ path: '/manifests/v1', fault: { kind: 'replace', body: unknownType, contentType: 'application/vnd.example.unknown+json' } }], /unsupported manifest media type/);
    const unknownLayer = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: img.config,
      layers: img.layers.map((l) => ({ ...l, mediaType: 'application/vnd.example.layer' })) }));
    await failsCleanly(img.ref, [{ path: '/manifests/v1', fault: { kind: 'replace', body: unknownLayer, contentType: 'application/vnd.oci.image.manifest.v1+json' } }], /unsupported layer media type/);
  });

  test("errors before the stream's first line are HTTP errors, after it the stream's last line", async () => {
    const img = await publish('bad/placement', { layers: [{ entries: [...base(), { name: 'data', body: 'good\n' }] }] });
    const missing = await api(d.socket, `/v1.41/images/create?fromImage=${encodeURIComponent(`${host}/bad/placement`)}&tag=nope`);
    assert.equal(missing.status, 404);
    assert.match(JSON.parse(missing.body).message, /manifest unknown/);
    proxy.setRules([{ path: `/blobs/${img.layers[0]!.digest}`, fault: { kind: 'corrupt' } }]);
    const bad = await api(d.socket, `/v1.41/images/create?fromImage=${encodeURIComponent(`${host}/bad/placement`)}&tag=v1`);
    proxy.setRules([]);
    assert.equal(bad.status, 200);
    const lines = bad.body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines[0]!.status, 'Pulling from bad/placement'.replace('bad', `${host}/bad`));
    assert.match(String(lines.at(-1)!.error), /does not match its digest/);
    assert.deepEqual(lines.at(-1)!.errorDetail, { message: lines.at(-1)!.error });
    assert.equal(await state(), baseline);
  });

  test('an unreachable registry and an unknown tag are clear errors', async () => {
    const r = await d.docker(['pull', `127.0.0.1:${await freePort()}/nobody/home:v1`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ECONNREFUSED|connect/);
    const missing = await d.docker(['pull', `${host}/bad/manifest:nope`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /manifest for .*bad\/manifest:nope not found: manifest unknown/);
    assert.equal(await state(), baseline);
  });

  test('layers that escape (a .. path, writes through a replaced dir, a hard link through one) are refused by the unpack helper', async () => {
    const hostDir = await mkdtemp('/tmp/moorage-escape-host-');
    try {
      const cases: [string, TarEntry[], RegExp][] = [
        ['dotdot', [{ name: 'ok', body: 'x' }, { name: '../../moorage-pulled-escape', body: 'x' }], /path escapes the image root/],
        ['through-dir', [{ name: 'a', type: 'directory' }, { name: 'a', type: 'symlink', linkname: hostDir }, { name: 'a/owned', body: 'x' }],
          /invalid archive entry a\/owned: the path goes through a symlink/],
        ['hardlink', [{ name: 'b', type: 'directory' }, { name: 'b/secret', body: 'layer' }, { name: 'b', type: 'symlink', linkname: hostDir },
          { name: 'leak', type: 'link', linkname: 'b/secret' }], /invalid archive entry leak: hard link to b\/secret: the path goes through a symlink/],
      ];
      for (const [name, entries, message] of cases) {
        const img = await publish(`escape/${name}`, { layers: [{ entries: base() }, { entries }] });
        const r = await d.docker(['pull', img.ref]);
        assert.equal(r.code, 1, `${name}: ${r.stdout}`);
        assert.match(r.stderr, message, name);
        assert.equal(await state(), baseline, name);
      }
      assert.deepEqual(await readdir(hostDir), [], 'nothing was written on the host');
      await assert.rejects(readFile('/tmp/moorage-pulled-escape'));
    } finally {
      await rm(hostDir, { recursive: true, force: true });
    }
  });
});
