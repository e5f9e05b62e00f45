/**
 * Volumes through the docker CLI: named volumes keep data across containers, the volume verbs,
 * 409 on removing one in use, `rm -v`, copy-up from the image (owner, mode, times, xattrs,
 * links) into anonymous volumes from the image's VOLUME, `--mount` of each type, `--tmpfs`,
 * and the local driver's tmpfs option.
 * @module
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliAtLeast, startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { makeTar } from '../helpers/tar.ts';

describe('volumes', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  test('a named volume keeps data across containers; volume ls/inspect/rm; 409 while in use', async () => {
    assert.equal((await d.docker(['volume', 'create', '--label', 'k=v', 'keep'])).code, 0);
    const w = await d.docker(['run', '--name', 'writer', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo persisted > /data/f']);
    assert.equal(w.code, 0, w.stderr);
    const r = await d.docker(['run', '--rm', '-v', 'keep:/data:ro', 'busybox', 'sh', '-c', 'cat /data/f; touch /data/x 2>&1 || true']);
    assert.match(r.stdout, /^persisted\n.*Read-only file system/s);
    const v = JSON.parse((await d.docker(['volume', 'inspect', 'keep'])).stdout)[0];
    assert.equal(v.Driver, 'local');
    assert.deepEqual(v.Labels, { k: 'v' });
    assert.equal(v.Mountpoint, join(d.dataRoot, 'volumes', 'keep', '_data'));
    assert.equal(await readFile(join(v.Mountpoint, 'f'), 'utf8'), 'persisted\n');
    assert.match((await d.docker(['volume', 'ls', '-q'])).stdout, /^keep$/m);
    const mounts = JSON.parse((await d.docker(['inspect', '-f', '{{json .Mounts}}', 'writer'])).stdout);
    assert.deepEqual(mounts, [{ Type: 'volume', Name: 'keep', Source: v.Mountpoint, Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }]);
    const inUse = await d.docker(['volume', 'rm', 'keep']);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /volume is in use/);
    assert.equal((await d.docker(['rm', 'writer'])).code, 0);
    assert.equal((await d.docker(['volume', 'rm', 'keep'])).code, 0);
    assert.notEqual((await d.docker(['volume', 'inspect', 'keep'])).code, 0);
  });

  test('an image VOLUME gets an anonymous volume filled from the image, keeping owner, mode, times, xattrs and links; rm -v removes it', async () => {
    const dir = await mkdtemp('/tmp/moorage-vol-');
    try {
      const tar = await makeTar([
        { name: 'bin/', type: 'directory' },
        { name: 'bin/busybox', body: await readFile('/bin/busybox'), mode: 0o755 },
        { name: 'data/', type: 'directory', mode: 0o750, uid: 123, gid: 456, mtime: 1000000000 },
        { name: 'data/seed.txt', body: 'seeded\n', mode: 0o640, uid: 7, gid: 8, mtime: 1200000000, xattrs: { 'user.origin': Buffer.from('image') } },
        { name: 'data/hard', type: 'link', linkname: 'data/seed.txt' },
        { name: 'data/soft', type: 'symlink', linkname: 'seed.txt' },
      ]);
      await writeFile(join(dir, 'img.tar'), tar);
      const imp = await d.docker(['import', '-c', 'VOLUME /data', '-c', 'CMD ["/bin/busybox","sh"]', join(dir, 'img.tar'), 'withvol:v1']);
      assert.equal(imp.code, 0, imp.stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const id = (await d.docker(['create', 'withvol:v1', '/bin/busybox', 'sh', '-c', 'ls /data'])).stdout.trim();
    assert.equal((await d.docker(['start', '-a', id])).code, 0);
    const mounts = JSON.parse((await d.docker(['inspect', '-f', '{{json .Mounts}}', id])).stdout);
    assert.equal(mounts.length, 1);
    assert.match(mounts[0].Name, /^[0-9a-f]{64}$/);
    const src = mounts[0].Source as string;
    const { execFile } = await import('node:child_process');
    const sh = (cmd: string) => new Promise<string>((res, rej) => execFile('sh', ['-c', cmd], (e, out) => (e ? rej(e) : res(out))));
    assert.equal(await sh(`stat -c '%u:%g %a %Y' ${src}`), '123:456 750 1000000000\n');
    assert.equal(await sh(`stat -c '%u:%g %a %Y %h' ${src}/seed.txt`), '7:8 640 1200000000 2\n');
    assert.equal(await sh(`getfattr --only-values -n user.origin ${src}/seed.txt`), 'image');
    assert.equal(await sh(`readlink ${src}/soft`), 'seed.txt\n');
    const vol = JSON.parse((await d.docker(['volume', 'inspect', mounts[0].Name])).stdout)[0];
    assert.deepEqual(vol.Labels, { 'com.docker.volume.anonymous': '' });
    assert.equal((await d.docker(['rm', '-v', id])).code, 0);
    assert.notEqual((await d.docker(['volume', 'inspect', mounts[0].Name])).code, 0, 'rm -v removed the anonymous volume');
  });

  test('--mount of each type, --tmpfs, a tmpfs-backed local volume, and their validation errors', async () => {
    const host = await mkdtemp('/tmp/moorage-bind-');
    try {
      await writeFile(join(host, 'h'), 'from-host\n');
      const r = await d.docker(['run', '--rm',
        '--mount', `type=bind,source=${host},target=/b,readonly`,
        '--mount', 'type=volume,source=mvol,target=/v',
        '--mount', 'type=tmpfs,target=/t,tmpfs-size=1048576',
        '--tmpfs', '/run/x:size=2m',
        'busybox', 'sh', '-c', 'cat /b/h; echo in-vol > /v/f; grep -E " /(t|run/x) " /proc/mounts | cut -d" " -f1-3']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'from-host\ntmpfs /t tmpfs\ntmpfs /run/x tmpfs\n');
      const missing = await d.docker(['run', '--rm', '--mount', 'type=bind,source=/nonexistent/x,target=/b', 'busybox', 'true']);
      assert.match(missing.stderr, /bind source path does not exist: \/nonexistent\/x/);
      const ro = await d.docker(['run', '--rm', '--mount', 'type=volume,target=/v,readonly', 'busybox', 'true']);
      assert.match(ro.stderr, /must not set ReadOnly mode when using anonymous volumes/);
      const dup = await d.docker(['run', '--rm', '-v', 'aa:/x', '-v', 'bb:/x', 'busybox', 'true']);
      assert.match(dup.stderr, /Duplicate mount point: \/x/);
      assert.match((await d.docker(['volume', 'create', '-o', 'type=tmpfs', 'bad'])).stderr, /missing required option: "device"/);
      assert.equal((await d.docker(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=4m', 'tmpvol'])).code, 0);
      const t = await d.docker(['run', '--rm', '-v', 'tmpvol:/m', 'busybox', 'sh', '-c', 'grep " /m " /proc/mounts | cut -d" " -f1,3']);
      assert.equal(t.stdout, 'tmpfs tmpfs\n', t.stderr);
      const mp = JSON.parse((await d.docker(['volume', 'inspect', 'tmpvol'])).stdout)[0].Mountpoint;
      assert.doesNotMatch(await readFile('/proc/self/mounts', 'utf8'), new RegExp(` ${mp} `), 'unmounted after its last user');
      // A CLI before API 1.42 has no -a: its prune removes named volumes too, as moby does for it.
      const pruned = await d.docker(['volume', 'prune', ...(await cliAtLeast('1.42') ? ['-a'] : []), '-f']);
      assert.match(pruned.stdout, /mvol/);
      assert.match(pruned.stdout, /tmpvol/);
    } finally {
      await rm(host, { recursive: true, force: true });
    }
  });
});
