/**
 * A streaming tar writer (ustar, with pax records for long names): what `docker save` sends and
 * how moorage makes the embedded busybox layer. Bodies are streamed, never held whole.
 * @module
 */

/** One entry to write. */
export interface TarWriteEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'link';
  mode?: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch. */
  mtime?: number;
  linkname?: string;
  /** File size; the body must yield exactly this many bytes. */
  size?: number;
  body?: Buffer | AsyncIterable<Buffer>;
}

const FLAG = { file: '0', link: '1', symlink: '2', directory: '5' } as const;
const BLOCK = 512;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, flag: string, size: number, e: Partial<TarWriteEntry>, linkname = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(e.mode ?? 0o644, 8), 100, 'latin1');
  h.write(octal(e.uid ?? 0, 8), 108, 'latin1');
  h.write(octal(e.gid ?? 0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(Math.max(0, Math.floor(e.mtime ?? 0)), 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(flag, 156, 'latin1');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\x0000', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7), 148, 'latin1');
  return h;
}

/** A pax record `LEN key=value\n`, the length counting itself. */
function paxRecord(key: string, value: string): Buffer {
  const rest = Buffer.from(` ${key}=${value}\n`);
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
  return Buffer.concat([Buffer.from(String(len)), rest]);
}

const padding = (n: number) => Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);

/** The bytes of a tar archive holding `entries`, in order, ending with the two zero blocks. */
export async function* writeTar(entries: AsyncIterable<TarWriteEntry> | Iterable<TarWriteEntry>): AsyncGenerator<Buffer> {
  for await (const e of entries) {
    const name = e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
    const link = e.linkname ?? '';
    const size = e.type === 'file' ? (e.size ?? (Buffer.isBuffer(e.body) ? e.body.length : 0)) : 0;
    if (Buffer.byteLength(name) > 100 || Buffer.byteLength(link) > 100) {
      const pax = Buffer.concat([
        ...(Buffer.byteLength(name) > 100 ? [paxRecord('path', name)] : []),
        ...(Buffer.byteLength(link) > 100 ? [paxRecord('linkpath', link)] : []),
      ]);
      yield header('PaxHeader', 'x', pax.length, {});
      yield Buffer.concat([pax, padding(pax.length)]);
    }
    yield header(name.slice(0, 100), FLAG[e.type], size, e, link.slice(0, 100));
    if (e.type !== 'file') continue;
    let written = 0;
    const body = e.body ?? Buffer.alloc(0);
    for await (const chunk of Buffer.isBuffer(body) ? [body] : body) {
      written += chunk.length;
      yield chunk;
    }
    if (written !== size) throw new Error(`tar entry ${e.name}: ${written} bytes written for a size of ${size}`);
    yield padding(size);
  }
  yield Buffer.alloc(BLOCK * 2);
}
