/**
 * The embedded default image: `busybox:latest`, made from the host's busybox-static, so a daemon
 * on an empty data root can run containers without a registry.
 * @module
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SystemError } from '../../errors.ts';
import type { ImageRecord, ImageStore } from '../../image/store.ts';

const run = promisify(execFile);

/** Debian's busybox-static binary. */
export const BUSYBOX_PATH = '/bin/busybox';
/** The embedded image's reference. */
export const BUSYBOX_REF = 'busybox:latest';

const DIRS = ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'dev', 'proc', 'sys', 'tmp', 'root',
  'home', 'var/tmp', 'run'];

/** Makes `busybox:latest` from the host binary unless the store already has it. */
export async function ensureBusybox(store: ImageStore): Promise<ImageRecord> {
  const existing = store.find(BUSYBOX_REF);
  if (existing) return existing;
  let binary: Buffer;
  try {
    binary = await readFile(BUSYBOX_PATH);
  } catch (err) {
    throw new SystemError(`cannot make the busybox image: ${BUSYBOX_PATH} is missing (install busybox-static)`, { cause: err });
  }
  const scratch = await store.scratch();
  const root = join(scratch, 'rootfs');
  for (const d of DIRS) await mkdir(join(root, d), { recursive: true });
  // Sticky and world-writable, as in Docker's busybox: any user may make files there.
  for (const d of ['tmp', 'var/tmp']) await chmod(join(root, d), 0o1777);
  await copyFile(BUSYBOX_PATH, join(root, 'bin/busybox'));
  const { stdout } = await run(BUSYBOX_PATH, ['--list-full']);
  for (const applet of stdout.split('\n').filter(Boolean)) {
    if (applet === 'bin/busybox') continue;
    const dest = join(root, applet);
    await mkdir(dirname(dest), { recursive: true });
    await symlink('/bin/busybox', dest).catch(() => {});
  }
  await writeFile(join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  await writeFile(join(root, 'etc/group'), 'root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n');
  const id = createHash('sha256').update('moorage-busybox\0').update(binary).digest('hex');
  return store.commit(scratch, {
    Id: `sha256:${id}`,
    RepoTags: [BUSYBOX_REF],
    Created: new Date().toISOString(),
    Size: binary.length,
    Comment: `made by moorage from ${BUSYBOX_PATH}`,
    Config: {
      Cmd: ['sh'], Entrypoint: null, WorkingDir: '', User: '', Labels: {},
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    },
  });
}
