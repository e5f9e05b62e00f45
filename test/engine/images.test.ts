/**
 * Images through the docker CLI: the embedded busybox, import, list, inspect, remove, and
 * hostile archives refused without damage.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { makeTar } from '../helpers/tar.ts';
import { readFile } from 'node:fs/promises';

describe('images through the docker CLI', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  test('a daemon on an empty data root has busybox:latest', async () => {
    const r = await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.equal(r.stdout.trim(), 'busybox:latest');
    const inspect = await d.docker(['image', 'inspect', '-f', '{{json .Config.Cmd}}', 'busybox']);
    assert.equal(inspect.stdout.trim(), '["sh"]');
    // As in Docker's busybox, /tmp is for everyone.
    const tmp = await d.docker(['run', '--rm', '-u', 'nobody', 'busybox', 'sh', '-c', 'stat -c %a /tmp && touch /tmp/mine']);
    assert.equal(tmp.code, 0, tmp.stderr);
    assert.equal(tmp.stdout.trim(), '1777');
  });

  test('docker import makes a runnable image from a tarball, with changes', async () => {
    const { execFile } = await import('node:child_process');
    const { mkdtemp, mkdir, copyFile, symlink, rm } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/moorage-import-');
    try {
      await mkdir(join(dir, 'root/bin'), { recursive: true });
      await copyFile('/bin/busybox', join(dir, 'root/bin/busybox'));
      await symlink('busybox', join(dir, 'root/bin/sh'));
      await new Promise<void>((res, rej) => execFile('tar', ['-C', join(dir, 'root'), '-cf', join(dir, 'img.tar'), '.'], (e) => (e ? rej(e) : res())));
      const imp = await d.docker(['import', '-c', 'CMD ["/bin/busybox","echo","from-import"]', join(dir, 'img.tar'), 'mine/tool:v1']);
      assert.equal(imp.code, 0, imp.stderr);
      assert.match(imp.stdout, /^sha256:[0-9a-f]{64}$/m);
      const run = await d.docker(['run', '--rm', 'mine/tool:v1']);
      assert.equal(run.stdout, 'from-import\n', run.stderr);
      const list = await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
      assert.match(list.stdout, /^mine\/tool:v1$/m);
      assert.equal((await d.docker(['rmi', 'mine/tool:v1'])).code, 0);
      const gone = await d.docker(['image', 'inspect', 'mine/tool:v1']);
      assert.notEqual(gone.code, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('hostile archives are refused with a clear error, write nothing, and the daemon goes on', async () => {
    const { writeFile, rm, mkdtemp } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/moorage-hostile-');
    const before = (await readdir(join(d.dataRoot, 'images'))).sort();
    try {
      for (const [name, entries] of [
        ['dotdot', [{ name: 'ok', body: 'x' }, { name: '../../escape', body: 'x' }]],
        ['absolute', [{ name: '/etc/moorage-evil', body: 'x' }]],
        ['through-link', [{ name: 'd', type: 'symlink' as const, linkname: '/tmp' }, { name: 'd/moorage-owned', body: 'x' }]],
        ['hardlink-out', [{ name: 'p', type: 'link' as const, linkname: '/etc/passwd' }]],
      ] as const) {
        const file = join(dir, `${name}.tar`);
        await writeFile(file, await makeTar([...entries]));
        const r = await d.docker(['import', file, `hostile/${name}`]);
        assert.equal(r.code, 1, `${name}: ${r.stdout}`);
        assert.match(r.stderr, /invalid (tar|archive) entry/, name);
      }
      const garbage = join(dir, 'garbage.tar');
      await writeFile(garbage, 'not a tarball'.repeat(100));
      assert.notEqual((await d.docker(['import', garbage])).code, 0);
      assert.deepEqual((await readdir(join(d.dataRoot, 'images'))).sort(), before);
      await assert.rejects(readFile('/tmp/moorage-owned'));
      const ping = await d.docker(['run', '--rm', 'busybox', 'echo', 'alive']);
      assert.equal(ping.stdout, 'alive\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the two escapes through replaced directories reach nothing on the host', async () => {
    const { writeFile, rm, mkdtemp, stat } = await import('node:fs/promises');
    const host = await mkdtemp('/tmp/moorage-host-');
    const dir = await mkdtemp('/tmp/moorage-escape-');
    try {
      await writeFile(join(host, 'secret'), 'host secret\n', { mode: 0o600 });
      // 1. a/ and a/secret/ 0777, then `a` becomes a symlink to the host directory.
      const modes = join(dir, 'modes.tar');
      await writeFile(modes, await makeTar([{ name: 'a', type: 'directory' }, { name: 'a/secret', type: 'directory', mode: 0o777 },
        { name: 'a', type: 'symlink', linkname: host }, { name: 'bin/sh', type: 'symlink', linkname: 'busybox' }]));
      const one = await d.docker(['import', modes, 'escape/modes']);
      assert.equal(one.code, 0, one.stderr);
      assert.equal((await stat(join(host, 'secret'))).mode & 0o777, 0o600, 'the host file kept its mode');
      // 2. b/ and b/secret, then `b` becomes a symlink to the host directory, then leak -> b/secret.
      const link = join(dir, 'link.tar');
      await writeFile(link, await makeTar([{ name: 'b', type: 'directory' }, { name: 'b/secret', body: 'layer' },
        { name: 'b', type: 'symlink', linkname: host }, { name: 'leak', type: 'link', linkname: 'b/secret' }]));
      const two = await d.docker(['import', link, 'escape/link']);
      assert.equal(two.code, 1);
      assert.match(two.stderr, /invalid archive entry leak: hard link to b\/secret: the path goes through a symlink/);
      assert.equal((await stat(join(host, 'secret'))).nlink, 1, 'no link to the host file was made');
      assert.notEqual((await d.docker(['image', 'inspect', 'escape/link'])).code, 0);
    } finally {
      await d.docker(['rmi', 'escape/modes']);
      await rm(host, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an image in use cannot be removed without force', async () => {
    const id = (await d.docker(['create', 'busybox', 'true'])).stdout.trim();
    try {
      const r = await d.docker(['rmi', 'busybox']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /container is using its referenced image/);
      assert.equal((await d.docker(['rmi', 'no-such-image'])).code, 1);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });
});
