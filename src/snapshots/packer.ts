/**
 * The engine's side of moorage-pack (init/moorage-pack.c): a child process that reads a tree
 * inside one directory — a path's stat, its listing, or its files' content — resolving the path
 * inside it in the kernel (openat2) and following no symlink below it, so that nothing a
 * container does to its files makes a read leave its root. See the C file for the format.
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InvalidParameter, NotFound, SystemError, type MoorageError } from '../errors.ts';
import { ByteReader } from './byte-reader.ts';

/** moorage-pack as the project's set-up builds it. */
export const PACK_PATH = fileURLToPath(new URL('../../init/build/moorage-pack', import.meta.url));

const HEADER = 80;
const S_IFMT = 0o170000;
const TYPES: Record<number, FsType> = {
  0o100000: 'file', 0o040000: 'directory', 0o120000: 'symlink', 0o020000: 'char', 0o060000: 'block',
  0o010000: 'fifo', 0o140000: 'socket',
};

/** File kinds. */
export type FsType = 'file' | 'directory' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

/** The kind of a `st_mode`. */
export function fileType(stMode: number): FsType | undefined {
  return TYPES[stMode & S_IFMT];
}

/** One file of a tree, as lstat saw it. */
export interface FsRecord {
  /** Relative to the path asked for; '' for that path itself. */
  path: string;
  type: FsType;
  /** Permission and set-id/sticky bits (07777). */
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  devmajor: number;
  devminor: number;
  mtimeSec: number;
  mtimeNsec: number;
  /** Device and inode: the identity of hard-linked files. */
  dev: bigint;
  ino: bigint;
  size: number;
  /** A symlink's target, as stored. */
  linkname: string;
  /** For the path asked for: where it leads inside the root after every symlink ('' below it). */
  resolved: string;
  /** A directory marked opaque on an overlay layer (`trusted.overlay.opaque=y`). */
  opaque: boolean;
  /** The `security.capability` attribute of a regular file (`pack` only). */
  capability: Buffer | null;
  /** A regular file's `size` bytes (`pack` only; empty otherwise); read before the next record. */
  body: AsyncIterable<Buffer>;
}

/** What to read: the path's record, its listing, or its listing with the files' content. */
export type PackOp = 'stat' | 'list' | 'pack';

/** How to read. */
export interface PackOptions {
  /** Follow the last component too (a Docker path that ended in `/` or `/.`). */
  follow?: boolean;
  /** A directory of the engine's (a writable layer): follow no symlink at all, not even on the way. */
  beneath?: boolean;
  /** Kills the helper (the client went away). */
  signal?: AbortSignal;
}

/** Codes of the failures the helper classifies. */
const FAILURES: Record<string, (m: string) => MoorageError> = {
  notfound: (m) => new NotFound(m, 'MOORAGE_NO_SUCH_PATH'),
  notdir: (m) => new NotFound(m, 'MOORAGE_NO_SUCH_PATH'),
  loop: (m) => new InvalidParameter(m, 'MOORAGE_SYMLINK_LOOP'),
  input: (m) => new InvalidParameter(m),
  system: (m) => new SystemError(`reading the container's files failed: ${m}`),
};

/**
 * The records of `path` inside `root` (and, for `list` and `pack`, of everything below a
 * directory), in the helper's order: parents before children, names in byte order. Ending the
 * iteration early kills the helper.
 */
export async function* readTree(root: string, path: string, op: PackOp, opts: PackOptions = {}): AsyncGenerator<FsRecord> {
  const args = ['--root', root, ...(opts.beneath ? ['--beneath'] : []), ...(opts.follow ? ['--follow'] : []), op, path];
  const child = spawn(PACK_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const spawnFailed = new Promise<never>((_, reject) => child.on('error', (err) =>
    reject(new SystemError(`moorage-pack could not run: ${err.message} (run scripts/setup.sh)`))));
  spawnFailed.catch(() => {});
  const kill = () => child.kill('SIGKILL');
  if (opts.signal?.aborted) kill();
  opts.signal?.addEventListener('abort', kill, { once: true });
  const r = new ByteReader(child.stdout);
  const short = () => new SystemError(`moorage-pack stopped early${stderr ? `: ${stderr.trim()}` : ''}`);
  try {
    for (;;) {
      const h = await Promise.race([r.read(HEADER), spawnFailed]);
      if (h.length < HEADER) throw opts.signal?.aborted ? new SystemError('the read was cancelled') : short();
      const lens = [64, 68, 72, 76].map((off) => h.readUInt32LE(off));
      const strings = await r.read(lens.reduce((a, b) => a + b, 0));
      if (strings.length < lens.reduce((a, b) => a + b, 0)) throw short();
      const [name, link, resolved] = [0, 1, 2].map((i) => {
        const from = lens.slice(0, i).reduce((a, b) => a + b, 0);
        return strings.toString('utf8', from, from + lens[i]!);
      }) as [string, string, string];
      if (h[0] === 0) {
        if (name === 'ok') return;
        const m = /^error (\w+) (.*)$/s.exec(name);
        throw (FAILURES[m?.[1] ?? 'system'] ?? FAILURES.system!)(m?.[2] ?? name);
      }
      const stMode = h.readUInt32LE(4);
      const type = fileType(stMode);
      if (!type) throw new SystemError(`moorage-pack: unknown file type ${stMode.toString(8)} of ${name}`);
      const size = Number(h.readBigUInt64LE(56));
      const xattrLen = lens[3]!;
      const withBody = op === 'pack' && type === 'file';
      const body = r.section(withBody ? size : 0, short);
      yield {
        path: name, type, mode: stMode & 0o7777, uid: h.readUInt32LE(8), gid: h.readUInt32LE(12),
        nlink: h.readUInt32LE(16), devmajor: h.readUInt32LE(20), devminor: h.readUInt32LE(24),
        mtimeNsec: h.readUInt32LE(28), mtimeSec: Number(h.readBigInt64LE(32)), dev: h.readBigUInt64LE(40),
        ino: h.readBigUInt64LE(48), size, linkname: link, resolved, opaque: (h[1]! & 1) === 1,
        capability: xattrLen ? Buffer.from(strings.subarray(strings.length - xattrLen)) : null, body,
      };
      await body.skipRest();
    }
  } finally {
    opts.signal?.removeEventListener('abort', kill);
    if (child.exitCode === null && child.signalCode === null) kill();
    await Promise.race([closed, spawnFailed.catch(() => {})]);
  }
}

/** The record of `path` inside `root` alone. */
export async function statTree(root: string, path: string, opts: PackOptions = {}): Promise<FsRecord> {
  for await (const rec of readTree(root, path, 'stat', opts)) return rec;
  throw new SystemError('moorage-pack wrote no record');
}

/**
 * The content of the regular file at `path` inside `root` (every symlink followed inside it),
 * or null when there is none; at most `max` bytes are accepted.
 */
export async function readRootFile(root: string, path: string, max: number, opts: PackOptions = {}): Promise<string | null> {
  try {
    for await (const rec of readTree(root, path, 'pack', { ...opts, follow: true })) {
      if (rec.type !== 'file') return null;
      if (rec.size > max) throw new InvalidParameter(`${path} is larger than ${max} bytes`);
      const chunks: Buffer[] = [];
      for await (const c of rec.body) chunks.push(c);
      return Buffer.concat(chunks).toString('utf8');
    }
  } catch (err) {
    if ((err as MoorageError).code === 'MOORAGE_NO_SUCH_PATH') return null;
    throw err;
  }
  return null;
}
