/**
 * The engine's side of moorage-unpack (init/moorage-unpack.c): a child process that writes
 * archive entries into one directory, resolving every path inside it in the kernel (openat2),
 * so that no entry — whatever the entries before it made — reaches outside. Archives are parsed
 * here; the helper only writes. See the C file for the request format.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InvalidParameter, SystemError } from '../errors.ts';
import type { TarEntry } from './tar-reader.ts';

/** moorage-unpack as the project's set-up builds it. */
export const UNPACK_PATH = fileURLToPath(new URL('../../init/build/moorage-unpack', import.meta.url));

const OP = { dir: 1, file: 2, symlink: 3, hardlink: 4, node: 5, finish: 6, xattr: 7 } as const;
const HEADER = 56;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

/** Ownership, mode and time of an entry. */
export interface EntryMeta {
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  /** Extended attributes (`trusted.overlay.opaque`, `security.capability`, …). */
  xattrs?: Record<string, Buffer>;
}

/** How paths resolve: `beneath` follows no symlink at all (layers); `in-root` follows them as the container would (copies into a container). */
export type ResolveMode = 'beneath' | 'in-root';

/** Options of a session. */
export interface UnpackOptions {
  /** Refuse to replace a directory with a non-directory or the reverse (Docker's `noOverwriteDirNonDir`). */
  keepKinds?: boolean;
}

/** One unpacking session into one directory. */
export class Unpacker {
  readonly #child: ChildProcess;
  readonly #result: Promise<number>;
  #failed: Error | null = null;

  private constructor(child: ChildProcess) {
    this.#child = child;
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stdin!.on('error', () => {}); // the helper stopped reading: its answer says why
    this.#result = new Promise((resolve, reject) => {
      child.on('error', (err) => reject(new SystemError(`moorage-unpack could not run: ${err.message} (run scripts/setup.sh)`)));
      child.on('close', (code) => {
        const line = out.trim();
        const ok = /^ok (\d+)$/.exec(line);
        if (code === 0 && ok) return resolve(Number(ok[1]));
        const m = /^error (input|system) (.*)$/s.exec(line);
        if (m?.[1] === 'input') return reject(new InvalidParameter(`invalid archive entry ${m[2]}`, 'MOORAGE_INVALID_ARCHIVE'));
        reject(new SystemError(`unpacking failed: ${m?.[2] ?? (line || `moorage-unpack exited with ${code}`)}`));
      });
    });
    void this.#result.catch((err: Error) => { this.#failed = err; });
  }

  /** Starts a session writing into `root`. */
  static start(root: string, mode: ResolveMode = 'beneath', opts: UnpackOptions = {}): Unpacker {
    const args = ['--root', root, ...(mode === 'in-root' ? ['--in-root'] : []), ...(opts.keepKinds ? ['--keep-kinds'] : [])];
    const child = spawn(UNPACK_PATH, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    return new Unpacker(child);
  }

  /**
   * Writes one archive entry at `path` with `meta` (`link`: a hard link's target, relative to
   * the root); returns the bytes of content written.
   */
  async entry(path: string, e: TarEntry, meta: EntryMeta, link = ''): Promise<number> {
    switch (e.type) {
      case 'directory': await this.dir(path, meta); return 0;
      case 'file': await this.file(path, meta, e.size, e.body); return e.size;
      case 'symlink': await this.symlink(path, e.linkname, meta); return 0;
      case 'link': await this.hardlink(path, link, meta); return 0;
      case 'char': await this.node(path, { ...meta, mode: meta.mode | S_IFCHR }, e.devmajor, e.devminor); return 0;
      case 'block': await this.node(path, { ...meta, mode: meta.mode | S_IFBLK }, e.devmajor, e.devminor); return 0;
      case 'fifo': await this.node(path, { ...meta, mode: meta.mode | S_IFIFO }, 0, 0); return 0;
    }
  }

  /** A directory (created, or kept if one is there). `.` is the root itself. */
  dir(path: string, meta: EntryMeta): Promise<void> {
    return this.#send(OP.dir, path, '', meta, 0);
  }

  /** A regular file with `size` bytes of content from `data`. */
  async file(path: string, meta: EntryMeta, size: number, data: AsyncIterable<Buffer>): Promise<void> {
    await this.#send(OP.file, path, '', meta, size);
    let sent = 0;
    for await (const chunk of data) {
      sent += chunk.length;
      await this.#write(chunk);
    }
    if (sent !== size) throw new InvalidParameter(`invalid archive entry ${path}: ${sent} bytes of content for a size of ${size}`, 'MOORAGE_INVALID_ARCHIVE');
  }

  /** A symlink; its target is stored as it is, to be resolved inside the container. */
  symlink(path: string, target: string, meta: EntryMeta): Promise<void> {
    return this.#send(OP.symlink, path, target, meta, 0);
  }

  /** A hard link to an entry already unpacked (a path relative to the root). */
  hardlink(path: string, target: string, meta: EntryMeta): Promise<void> {
    return this.#send(OP.hardlink, path, target, meta, 0);
  }

  /** A character or block device or a fifo; `meta.mode` carries the file type bits. */
  node(path: string, meta: EntryMeta, major: number, minor: number): Promise<void> {
    return this.#send(OP.node, path, '', meta, 0, major, minor);
  }

  /** Sets extended attributes on a directory (made with 0755 where missing), e.g. overlay's opaque marker. */
  xattr(path: string, xattrs: Record<string, Buffer>): Promise<void> {
    return this.#send(OP.xattr, path, '', { mode: 0, uid: 0, gid: 0, mtime: new Date(0), xattrs }, 0);
  }

  /** Applies directory times and waits for the helper's verdict: the number of requests. */
  async finish(): Promise<number> {
    await this.#send(OP.finish, '.', '', { mode: 0, uid: 0, gid: 0, mtime: new Date(0) }, 0);
    this.#child.stdin!.end();
    return this.#result;
  }

  /** Ends the session early (the archive was bad); the caller removes what was written. */
  async abort(): Promise<void> {
    this.#child.stdin!.destroy();
    await this.#result.catch(() => {});
  }

  async #send(op: number, path: string, link: string, meta: EntryMeta, dataLen: number, major = 0, minor = 0): Promise<void> {
    const p = Buffer.from(path);
    const l = Buffer.from(link);
    const x = encodeXattrs(meta.xattrs);
    const h = Buffer.alloc(HEADER);
    const ms = meta.mtime.getTime();
    const sec = Math.floor(ms / 1000);
    h.writeUInt8(op, 0);
    h.writeUInt32LE(meta.mode >>> 0, 4);
    h.writeUInt32LE(meta.uid >>> 0, 8);
    h.writeUInt32LE(meta.gid >>> 0, 12);
    h.writeBigInt64LE(BigInt(sec), 16);
    h.writeUInt32LE((ms - sec * 1000) * 1_000_000, 24);
    h.writeUInt32LE(major, 28);
    h.writeUInt32LE(minor, 32);
    h.writeUInt32LE(p.length, 36);
    h.writeUInt32LE(l.length, 40);
    h.writeUInt32LE(x.length, 44);
    h.writeBigUInt64LE(BigInt(dataLen), 48);
    await this.#write(Buffer.concat([h, p, l, x]));
  }

  /** Writes with backpressure; once the helper has stopped, fails with its own reason. */
  async #write(buf: Buffer): Promise<void> {
    const stdin = this.#child.stdin!;
    if (this.#failed || stdin.destroyed) throw await this.#reason();
    if (!stdin.write(buf)) {
      await new Promise<void>((resolve) => {
        const done = () => { stdin.off('drain', done); stdin.off('close', done); resolve(); };
        stdin.on('drain', done);
        stdin.on('close', done);
      });
    }
    if (this.#failed) throw this.#failed;
  }

  async #reason(): Promise<Error> {
    return this.#result.then(() => new SystemError('moorage-unpack stopped early'), (err: Error) => err);
  }
}

function encodeXattrs(x: Record<string, Buffer> | undefined): Buffer {
  if (!x) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(x)) {
    const n = Buffer.from(name);
    const len = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
    parts.push(len(n.length), n, len(value.length), value);
  }
  return Buffer.concat(parts);
}
