import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveUser } from './user.ts';

async function withRoot(fn: (root: string, host: string) => Promise<void>): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'moorage-user-'));
  try {
    const root = join(base, 'rootfs');
    const host = join(base, 'host-etc');
    await mkdir(host, { recursive: true });
    await writeFile(join(host, 'passwd'), 'hostonly:x:4242:4242::/secret:/bin/sh\n');
    await fn(root, host);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

test('a user and its groups come from the rootfs\' own account files', async () => {
  await withRoot(async (root) => {
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc/passwd'), 'app:x:1000:1000::/home/app:/bin/sh\n');
    await writeFile(join(root, 'etc/group'), 'app:x:1000:\nextra:x:2000:app\n');
    assert.deepEqual(await resolveUser(root, 'app'), { uid: 1000, gid: 1000, additionalGids: [2000], home: '/home/app' });
    assert.deepEqual(await resolveUser(root, '7:8'), { uid: 7, gid: 8, additionalGids: [], home: '/' });
  });
});

test('account files that are symlinks (or an /etc that is one) are never followed to the host', async () => {
  await withRoot(async (root, host) => {
    await mkdir(join(root, 'etc'), { recursive: true });
    await symlink(join(host, 'passwd'), join(root, 'etc/passwd'));
    await assert.rejects(resolveUser(root, 'hostonly'), /unable to find user hostonly/);
    await rm(join(root, 'etc'), { recursive: true });
    await symlink(host, join(root, 'etc'));
    await assert.rejects(resolveUser(root, 'hostonly'), /unable to find user hostonly/);
  });
});
