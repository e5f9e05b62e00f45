/**
 * A container's files through the real docker CLI: `docker cp` both ways (files, directories,
 * `dir/.`, `-` tars, `-L`, `-a`) on running, created and exited containers, `docker export`,
 * `docker diff`, the stat header and events; symlinks in the container that point at the host
 * (a `..` climb, an absolute link, a relative chain, a host path) never make a read or a write
 * leave the container's root, loops and missing paths are clear 4xx errors, and removal, start
 * and exit during a slow copy neither hang nor leave a mount behind.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { makeTar, readEntries } from '../helpers/tar.ts';

/** Names in a tar, in order, directories with their slash. */
const tarNames = async (buf: Buffer) => (await readEntries(buf)).map((e) => (e.type === 'directory' ? `${e.name}/` : e.name));
/** The text of one file of a tar. */
const tarFile = async (buf: Buffer, name: string) => (await readEntries(buf)).find((e) => e.name === name)?.text;

/** Whether a path is a mount point now. */
async function mounted(path: string): Promise<boolean> {
  return (await readFile('/proc/self/mounts', 'utf8')).split('\n').some((l) => l.split(' ')[1] === path);
}

describe('container files through the docker CLI', () => {
  let d: TestDaemon;
  let work: string;
  /** A host directory with a secret that the containers' links name by its host path. */
  let hostDir: string;
  before(async () => {
    d = await startDaemon();
    work = await mkdtemp('/tmp/moorage-archive-');
    hostDir = join(work, 'host');
    await mkdir(hostDir);
    await writeFile(join(hostDir, 'secret'), 'host secret\n');
  });
  after(async () => {
    await d?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const docker = (args: string[], input?: Buffer) => d.dockerBytes(args, input);
  const ok = async (args: string[], input?: Buffer) => {
    const r = await docker(args, input);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.toString('utf8');
  };
  /** A request to the engine's API. */
  const api = (method: string, path: string, body?: Buffer) => new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
    const req = request({ socketPath: d.socket, method, path, headers: body ? { 'Content-Type': 'application/x-tar' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
  const runD = async (...args: string[]) => (await ok(['run', '-d', ...args])).trim();
  const rootfsOf = (id: string) => join(d.dataRoot, 'containers', id, 'rootfs');

  test('docker cp out of a running container: a file, a directory, dir/. and - as a tar, -L', async () => {
    const id = await runD('busybox', 'sh', '-c', 'mkdir -p /data/sub && echo one > /data/a && echo two > /data/sub/b && ln -s a /data/link && echo ready && exec sleep 1000');
    const out = join(work, 'out1');
    await mkdir(join(out, 'existing'), { recursive: true });
    try {
      await d.waitForLog(id, 'ready');
      await ok(['cp', `${id}:/data/a`, `${out}/`]);
      assert.equal(await readFile(join(out, 'a'), 'utf8'), 'one\n');
      await ok(['cp', `${id}:/data`, join(out, 'copy')]);
      assert.equal(await readFile(join(out, 'copy/sub/b'), 'utf8'), 'two\n');
      assert.equal(await readlink(join(out, 'copy/link')), 'a');
      await ok(['cp', `${id}:/data/.`, join(out, 'existing')]);
      assert.deepEqual((await readdir(join(out, 'existing'))).sort(), ['a', 'link', 'sub']);
      await ok(['cp', `${id}:/data/a`, join(out, 'renamed')]);
      assert.equal(await readFile(join(out, 'renamed'), 'utf8'), 'one\n');
      const tar = (await docker(['cp', `${id}:/data`, '-'])).stdout;
      assert.deepEqual(await tarNames(tar), ['data/', 'data/a', 'data/link', 'data/sub/', 'data/sub/b']);
      assert.deepEqual(await tarNames((await docker(['cp', `${id}:/data/.`, '-'])).stdout), ['./', './a', './link', './sub/', './sub/b']);
      await ok(['cp', '-L', `${id}:/data/link`, join(out, 'followed')]);
      assert.equal(await readFile(join(out, 'followed'), 'utf8'), 'one\n');
    } finally {
      await docker(['rm', '-f', id]);
    }
  });

  test('docker cp into a container: under a new name, a directory, a tar on stdin; -a gives the files to its user', async () => {
    const id = await runD('--user', 'nobody', 'busybox', 'sleep', '1000');
    const src = join(work, 'in1');
    await mkdir(join(src, 'dir/deep'), { recursive: true });
    await writeFile(join(src, 'file'), 'payload\n');
    await writeFile(join(src, 'dir/deep/x'), 'deep\n');
    await chown(join(src, 'file'), 1234, 1234);
    try {
      await ok(['cp', join(src, 'file'), `${id}:/tmp/renamed`]);
      assert.equal(await ok(['exec', id, 'cat', '/tmp/renamed']), 'payload\n');
      assert.equal(await ok(['exec', id, 'stat', '-c', '%u:%g', '/tmp/renamed']), '1234:1234\n', 'ownership from the archive');
      await ok(['cp', join(src, 'dir'), `${id}:/tmp/`]);
      assert.equal(await ok(['exec', id, 'cat', '/tmp/dir/deep/x']), 'deep\n');
      await ok(['cp', '-', `${id}:/tmp`], await makeTar([{ name: 'fromstdin/f', body: 'piped\n' }]));
      assert.equal(await ok(['exec', id, 'cat', '/tmp/fromstdin/f']), 'piped\n');
      await ok(['cp', '-a', join(src, 'file'), `${id}:/tmp/owned`]);
      assert.equal(await ok(['exec', id, 'stat', '-c', '%u:%g', '/tmp/owned']), '65534:65534\n', 'the container user\'s ids');
      const notDir = await docker(['cp', '-', `${id}:/tmp/renamed`], await makeTar([{ name: 'f', body: 'x' }]));
      assert.notEqual(notDir.code, 0);
      assert.match(notDir.stderr, /must be a directory/);
      const put = await api('PUT', `/v1.45/containers/${id}/archive?path=/tmp/renamed`, await makeTar([{ name: 'f', body: 'x' }]));
      assert.equal(put.status, 400);
      assert.match(put.body.toString(), /extraction point is not a directory/);
      const kinds = await api('PUT', `/v1.45/containers/${id}/archive?path=/tmp&noOverwriteDirNonDir=1`, await makeTar([{ name: 'dir', body: 'x' }]));
      assert.equal(kinds.status, 400);
      assert.match(kinds.body.toString(), /cannot overwrite directory with non-directory/);
    } finally {
      await docker(['rm', '-f', id]);
    }
  });

  test('HEAD answers Docker\'s stat header: Go file modes, the link target, 404 for a missing path', async () => {
    const id = await runD('busybox', 'sleep', '1000');
    try {
      const stat = async (path: string) => {
        const r = await api('HEAD', `/v1.45/containers/${id}/archive?path=${encodeURIComponent(path)}`);
        assert.equal(r.status, 200);
        return JSON.parse(Buffer.from(String(r.headers['x-docker-container-path-stat']), 'base64').toString()) as Record<string, unknown>;
      };
      const etc = await stat('/etc');
      assert.deepEqual([etc.name, etc.mode], ['etc', 2 ** 31 + 0o755]);
      assert.match(String(etc.mtime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      const sh = await stat('/bin/sh');
      assert.deepEqual([sh.name, sh.mode, sh.linkTarget], ['sh', 2 ** 27 + 0o777, '/bin/busybox']);
      assert.equal((await stat('/etc/.')).name, '.');
      assert.equal((await api('HEAD', `/v1.45/containers/${id}/archive?path=/nope`)).status, 404);
      const missing = await api('GET', `/v1.45/containers/${id}/archive?path=/nope`);
      assert.equal(missing.status, 404);
      assert.match(missing.body.toString(), /Could not find the file \/nope in container/);
      assert.equal((await api('GET', `/v1.45/containers/${id}/archive`)).status, 400, 'no path');
      assert.equal((await api('HEAD', '/v1.45/containers/nope/archive?path=/')).status, 404);
    } finally {
      await docker(['rm', '-f', id]);
    }
  });

  test('symlinks in the container never make a copy read or write the host, and loops are clear errors', async () => {
    const probe = `moorage-probe-${process.pid}-${Date.now()}`;
    const hostEtc = await readFile('/etc/passwd', 'utf8');
    const id = await runD('busybox', 'sh', '-c', [
      'echo moorage-container-marker >> /etc/passwd', 'ln -s /../../../../etc /evil', 'ln -s /etc/passwd /abs',
      'mkdir /chain', 'ln -s ../evil/passwd /chain/rel', 'ln -s rel /chain/rel2', `ln -s ${hostDir} /hostlink`,
      'ln -s /loop2 /loop1', 'ln -s /loop1 /loop2', 'echo ready', 'exec sleep 1000'].join(' && '));
    const local = join(work, 'sec');
    await mkdir(local);
    await writeFile(join(local, probe), 'probe\n');
    try {
      await d.waitForLog(id, 'ready');
      const inContainer = await ok(['exec', id, 'cat', '/etc/passwd']);
      assert.match(inContainer, /moorage-container-marker/);
      // Reads: each way of pointing at the host's /etc gives the container's file (-L asks for
      // the link's target, which the engine resolved inside the container: /etc/passwd).
      for (const path of ['/evil/passwd', '/chain/rel2', '/abs']) {
        const tar = (await docker(['cp', '-L', `${id}:${path}`, '-'])).stdout;
        assert.equal(await tarFile(tar, 'passwd'), inContainer, path);
        assert.notEqual(await tarFile(tar, 'passwd'), hostEtc);
      }
      const evil = await api('HEAD', `/v1.45/containers/${id}/archive?path=/evil`);
      assert.equal(JSON.parse(Buffer.from(String(evil.headers['x-docker-container-path-stat']), 'base64').toString()).linkTarget, '/etc');
      const dirTar = (await docker(['cp', `${id}:/evil/`, '-'])).stdout;
      assert.equal(await tarFile(dirTar, 'evil/passwd'), inContainer);
      await ok(['cp', '-L', `${id}:/chain/rel`, join(local, 'copied')]);
      assert.equal(await readFile(join(local, 'copied'), 'utf8'), inContainer);
      const viaHostPath = await docker(['cp', `${id}:/hostlink/secret`, '-']);
      assert.notEqual(viaHostPath.code, 0);
      assert.match(viaHostPath.stderr, /Could not find the file|No such container:path/); // docker 23+ | 20.10
      assert.ok(!viaHostPath.stdout.includes('host secret'));
      // Writes: through the same links, into the container's root.
      await ok(['cp', join(local, probe), `${id}:/evil/`]);
      assert.equal(await ok(['exec', id, 'cat', `/etc/${probe}`]), 'probe\n');
      await ok(['cp', join(local, probe), `${id}:/chain/`]);
      assert.equal((await api('PUT', `/v1.45/containers/${id}/archive?path=/hostlink`, await makeTar([{ name: 'pwned', body: 'x' }]))).status, 404);
      for (const entries of [
        [{ name: `../../../../../../..${hostDir}/pwned`, body: 'x' }],
        [{ name: 'x', type: 'symlink' as const, linkname: hostDir }, { name: 'x/pwned', body: 'x' }],
        [{ name: 'h', type: 'link' as const, linkname: `${hostDir}/secret` }],
        [{ name: 'up', type: 'symlink' as const, linkname: '../../../../../..' }, { name: `up${hostDir}/pwned`, body: 'x' }],
      ]) {
        const r = await api('PUT', `/v1.45/containers/${id}/archive?path=/tmp`, await makeTar(entries));
        assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `${r.status} ${r.body}`);
      }
      assert.ok(!existsSync(`/etc/${probe}`), 'nothing written to the host\'s /etc');
      assert.deepEqual(await readdir(hostDir), ['secret']);
      assert.equal(await readFile(join(hostDir, 'secret'), 'utf8'), 'host secret\n');
      assert.equal(await readFile('/etc/passwd', 'utf8'), hostEtc);
      // Loops: a clear 400 for every verb; a missing path a 404.
      const loop = await docker(['cp', `${id}:/loop1/x`, '-']);
      assert.notEqual(loop.code, 0);
      assert.match(loop.stderr, /too many levels of symbolic links/);
      assert.equal((await api('HEAD', `/v1.45/containers/${id}/archive?path=/loop1/x`)).status, 400);
      const putLoop = await api('PUT', `/v1.45/containers/${id}/archive?path=/loop1`, await makeTar([{ name: 'f', body: 'x' }]));
      assert.equal(putLoop.status, 400);
      assert.match(putLoop.body.toString(), /symbolic links/);
      assert.equal((await api('GET', `/v1.45/containers/${id}/archive?path=/nowhere/at/all`)).status, 404);
      // The daemon and the container are as they were.
      assert.equal((await api('GET', '/_ping')).status, 200);
      assert.equal((await ok(['inspect', '-f', '{{.State.Running}}', id])).trim(), 'true');
      assert.equal(await ok(['exec', id, 'echo', 'alive']), 'alive\n');
    } finally {
      await docker(['rm', '-f', id]);
    }
  });

  test('cp, export and diff work on created and exited containers and leave no mount behind', async () => {
    const created = (await ok(['create', 'busybox', 'cat', '/tmp/x'])).trim();
    const src = join(work, 'x');
    await writeFile(src, 'before start\n');
    try {
      await ok(['cp', src, `${created}:/tmp/x`]);
      assert.equal(await tarFile((await docker(['cp', `${created}:/tmp/x`, '-'])).stdout, 'x'), 'before start\n');
      assert.equal(await ok(['diff', created]), 'C /tmp\nA /tmp/x\n');
      assert.equal(await mounted(rootfsOf(created)), false, 'unmounted after the copy');
      await ok(['start', '-a', created]).then((out) => assert.equal(out, 'before start\n'));
      const exited = await runD('busybox', 'sh', '-c', 'echo bye > /out; rm /etc/group; exit 3');
      assert.equal((await ok(['wait', exited])).trim(), '3');
      assert.equal(await tarFile((await docker(['cp', `${exited}:/out`, '-'])).stdout, 'out'), 'bye\n');
      const exported = (await docker(['export', exited])).stdout;
      const names = await tarNames(exported);
      assert.ok(names.includes('bin/busybox') && names.includes('out') && names.includes('etc/passwd'), names.slice(0, 20).join(' '));
      assert.ok(!names.includes('etc/group'), 'deleted files are not exported');
      assert.ok(!names.some((n) => n.startsWith('/') || n.startsWith('./')), 'names relative to the root, without it');
      assert.equal(await ok(['diff', exited]), 'C /etc\nD /etc/group\nA /out\n');
      for (const id of [created, exited]) assert.equal(await mounted(rootfsOf(id)), false);
    } finally {
      await docker(['rm', '-f', created]);
    }
  });

  test('docker diff lists additions, changes, deletions and what an opaque directory hides; not the runtime\'s mount points', async () => {
    const id = await runD('busybox', 'sh', '-c', [
      'echo x >> /etc/passwd', 'mkdir /newdir', 'echo n > /newdir/f', 'rm /usr/sbin/chroot',
      'rm -rf /usr/bin', 'mkdir /usr/bin', 'touch /usr/bin/mine', 'echo ready', 'exec sleep 1000'].join(' && '));
    try {
      await d.waitForLog(id, 'ready');
      const lines = (await ok(['diff', id])).trim().split('\n');
      for (const l of ['C /etc', 'C /etc/passwd', 'A /newdir', 'A /newdir/f', 'C /usr/sbin', 'D /usr/sbin/chroot', 'C /usr/bin', 'A /usr/bin/mine']) {
        assert.ok(lines.includes(l), `${l} in ${lines.join(', ')}`);
      }
      assert.ok(lines.some((l) => /^D \/usr\/bin\/\w+/.test(l)), 'the image\'s /usr/bin entries are deleted');
      assert.ok(!lines.some((l) => /moorage-init/.test(l)), 'the init\'s mount points are not changes');
      const exported = (await docker(['export', id])).stdout;
      assert.equal(await tarFile(exported, 'newdir/f'), 'n\n');
      const fresh = (await ok(['create', 'busybox', 'true'])).trim();
      assert.equal((await api('GET', `/v1.45/containers/${fresh}/changes`)).body.toString(), 'null');
      await docker(['rm', fresh]);
    } finally {
      await docker(['rm', '-f', id]);
    }
  });

  test('archive-path, extract-to-dir and export are published', async () => {
    const id = await runD('busybox', 'sleep', '1000');
    const since = String(Math.floor(Date.now() / 1000) - 1);
    try {
      await docker(['cp', `${id}:/etc/passwd`, '-']);
      await ok(['cp', '-', `${id}:/tmp`], await makeTar([{ name: 'f', body: 'x' }]));
      await docker(['export', id]);
      const ev = await ok(['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${id}`, '--format', '{{.Action}}']);
      for (const a of ['archive-path', 'extract-to-dir', 'export']) assert.match(ev, new RegExp(`^${a}$`, 'm'));
    } finally {
      await docker(['rm', '-f', id]);
    }
  });

  /** Opens a GET of `path` and reads only its headers: a client too slow to take the tar. */
  const slowGet = (path: string) => new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ socketPath: d.socket, method: 'GET', path }, (res) => { res.pause(); resolve(res); });
    req.on('error', reject);
    req.end();
  });
  /** Reads the rest of a response; resolves its byte count and whether it ended complete. */
  const drain = (res: IncomingMessage) => new Promise<{ bytes: number; complete: boolean }>((resolve) => {
    let bytes = 0;
    res.on('data', (c: Buffer) => { bytes += c.length; });
    res.on('close', () => resolve({ bytes, complete: res.complete }));
    res.on('error', () => {});
    res.resume();
  });
  const BIG = 64 << 20;

  test('a removal during a slow copy ends the copy at once, and unmounts', async () => {
    const id = (await ok(['create', 'busybox', 'true'])).trim();
    try {
      await ok(['cp', '-', `${id}:/`], await makeTar([{ name: 'big', body: Buffer.alloc(BIG, 1) }]));
      const res = await slowGet(`/v1.45/containers/${id}/archive?path=/big`);
      assert.equal(res.statusCode, 200);
      assert.equal(await mounted(rootfsOf(id)), true, 'mounted for the copy');
      const t0 = Date.now();
      await ok(['rm', '-f', id]);
      assert.ok(Date.now() - t0 < 10_000, `rm took ${Date.now() - t0} ms`);
      const got = await drain(res);
      assert.ok(!got.complete && got.bytes < BIG, 'the copy was cut');
      assert.equal(await mounted(rootfsOf(id)), false);
      assert.equal(existsSync(join(d.dataRoot, 'containers', id)), false);
    } finally {
      await docker(['rm', '-f', id]);
    }
  });

  test('a start during a slow copy of a stopped container, and an exit during one, keep the copy whole', async () => {
    const id = (await ok(['create', 'busybox', 'sleep', '1000'])).trim();
    try {
      await ok(['cp', '-', `${id}:/`], await makeTar([{ name: 'big', body: Buffer.alloc(BIG, 2) }]));
      const first = await slowGet(`/v1.45/containers/${id}/archive?path=/big`);
      await ok(['start', id]); // neither waits for the copy nor mounts beside it
      assert.equal(await ok(['exec', id, 'cat', '/proc/self/comm']).then((s) => s.trim()), 'cat');
      const second = await slowGet(`/v1.45/containers/${id}/archive?path=/big`);
      await ok(['kill', id]); // its monitor unmounts (lazily: the copy holds it)
      assert.equal((await ok(['wait', id])).trim(), '137');
      for (const res of [first, second]) {
        const got = await drain(res);
        assert.ok(got.complete, 'the copy completed');
        assert.equal(got.bytes, BIG + 512 + 1024, 'the whole file in its tar');
      }
      for (let i = 0; i < 50 && (await mounted(rootfsOf(id))); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await mounted(rootfsOf(id)), false, 'the last copy out unmounts');
      await ok(['start', id]);
      assert.equal(await ok(['exec', id, 'ls', '-l', '/big']).then((s) => s.includes(String(BIG))), true);
    } finally {
      await docker(['rm', '-f', id]);
    }
  });
});
