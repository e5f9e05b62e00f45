/**
 * The embedded default image: `busybox:latest`, made from the host's busybox-static, so a daemon
 * on an empty data root can run containers without a registry. It is an ordinary one-layer
 * image: a tar made here, stored as its blob and unpacked by moorage-unpack like any other.
 * @module
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { SystemError } from '../../errors.ts';
import type { ImageRecord } from '../../image/store.ts';
import { writeTar, type TarWriteEntry } from '../../snapshots/tar-writer.ts';
import type { Engine } from '../engine.ts';
import { addLayerImage } from './layer-image.ts';
import { findImage } from './resolve.ts';

const run = promisify(execFile);

/** Debian's busybox-static binary. */
export const BUSYBOX_PATH = '/bin/busybox';
/** The embedded image's reference. */
export const BUSYBOX_REF = 'busybox:latest';

const DIRS = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'dev', 'proc', 'sys', 'tmp', 'root',
  'home', 'var', 'var/tmp', 'run'];

/** The entries of the busybox layer. */
async function busyboxEntries(binary: Buffer): Promise<TarWriteEntry[]> {
  const mtime = Math.floor(Date.now() / 1000);
  const entries: TarWriteEntry[] = DIRS.map((d) => ({ name: d, type: 'directory', mode: d === 'tmp' || d === 'var/tmp' ? 0o1777 : 0o755, mtime }));
  entries.push({ name: 'bin/busybox', type: 'file', mode: 0o755, body: binary, mtime });
  const { stdout } = await run(BUSYBOX_PATH, ['--list-full']);
  const dirs = new Set(DIRS);
  for (const applet of stdout.split('\n').filter(Boolean)) {
    if (applet === 'bin/busybox') continue;
    if (!dirs.has(dirname(applet))) {
      dirs.add(dirname(applet));
      entries.push({ name: dirname(applet), type: 'directory', mode: 0o755, mtime });
    }
    entries.push({ name: applet, type: 'symlink', linkname: '/bin/busybox', mode: 0o777, mtime });
  }
  entries.push({ name: 'etc/passwd', type: 'file', mode: 0o644, mtime,
    body: Buffer.from('root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n') });
  entries.push({ name: 'etc/group', type: 'file', mode: 0o644, mtime, body: Buffer.from('root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n') });
  return entries;
}

/** Makes `busybox:latest` from the host binary unless the engine already has it. */
export async function ensureBusybox(d: Engine): Promise<ImageRecord> {
  const existing = findImage(d, BUSYBOX_REF);
  if (existing) return existing;
  let binary: Buffer;
  try {
    binary = await readFile(BUSYBOX_PATH);
  } catch (err) {
    throw new SystemError(`cannot make the busybox image: ${BUSYBOX_PATH} is missing (install busybox-static)`, { cause: err });
  }
  return addLayerImage(d, writeTar(await busyboxEntries(binary)), {
    tags: [BUSYBOX_REF], comment: `made by moorage from ${BUSYBOX_PATH}`, createdBy: `moorage: ${BUSYBOX_PATH} --list-full`,
    defaults: {
      Cmd: ['sh'], Entrypoint: null, WorkingDir: '', User: '', Labels: {},
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    },
    emptyLayer: 'refuse',
  });
}
