/**
 * A streaming tar writer: POSIX ustar, with pax records where ustar cannot say it (long or
 * non-ASCII names and link targets, large sizes, ids and times) and for extended attributes
 * (`SCHILY.xattr.*`, values byte for byte, as the tar reader reads them back). What `docker cp`
 * and `docker export` send. Written here because the project dropped tar-stream (see the tar
 * reader for why); bodies are streamed, never held whole.
 * @module
 */

/** Entry kinds the writer knows. */
export type TarWriteType = 'file' | 'directory' | 'symlink' | 'link' | 'char' | 'block' | 'fifo';

/** One entry to write. */
export interface TarWriteEntry {
  name: string;
  type: TarWriteType;
  /** Permission and set-id/sticky bits (07777). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch (tar keeps whole seconds, as Docker's archives do). */
  mtime?: number;
  /** A symlink's target, or the earlier entry's name a hard link points to. */
  linkname?: string;
  /** File size; the body must yield exactly this many bytes. */
  size?: number;
  body?: string | Buffer | AsyncIterable<Buffer>;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes (`security.capability`, …), written as pax `SCHILY.xattr.*` records. */
  xattrs?: Record<string, Buffer>;
}

const FLAG: Record<TarWriteType, string> = { file: '0', link: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6' };
const BLOCK = 512;
/** The largest values the octal fields hold: 11 digits for size and mtime, 7 for ids. */
const MAX_OCTAL_11 = 0o77777777777;
const MAX_OCTAL_7 = 0o7777777;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** One 512-byte ustar header; values too large for a field are written as 0 (a pax record carries them). */
function header(name: string, flag: string, size: number, e: Partial<TarWriteEntry>, linkname = ''): Buffer {
  const fit = (n: number, max: number) => (n >= 0 && n <= max ? n : 0);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal((e.mode ?? 0o644) & 0o7777, 8), 100, 'latin1');
  h.write(octal(fit(e.uid ?? 0, MAX_OCTAL_7), 8), 108, 'latin1');
  h.write(octal(fit(e.gid ?? 0, MAX_OCTAL_7), 8), 116, 'latin1');
  h.write(octal(fit(size, MAX_OCTAL_11), 12), 124, 'latin1');
  h.write(octal(fit(Math.floor(e.mtime ?? 0), MAX_OCTAL_11), 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(flag, 156, 'latin1');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\x0000', 257, 'latin1');
  h.write(octal(fit(e.devmajor ?? 0, MAX_OCTAL_7), 8), 329, 'latin1');
  h.write(octal(fit(e.devminor ?? 0, MAX_OCTAL_7), 8), 337, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7), 148, 'latin1');
  return h;
}

/** A pax record `LEN key=value\n`, the length counting itself. */
export function paxRecord(key: string, value: string | Buffer): Buffer {
  const rest = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
  return Buffer.concat([Buffer.from(String(len)), rest]);
}

const padding = (n: number) => Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);

/** Text a ustar field holds as it is: ASCII, at most 100 bytes. */
const fitsUstar = (s: string) => s.length <= 100 && /^[\x01-\x7f]*$/.test(s);

/** The pax records an entry needs beyond its ustar header. */
function paxRecords(name: string, link: string, size: number, e: TarWriteEntry): Buffer[] {
  const out: Buffer[] = [];
  if (!fitsUstar(name)) out.push(paxRecord('path', name));
  if (!fitsUstar(link)) out.push(paxRecord('linkpath', link));
  if (size > MAX_OCTAL_11) out.push(paxRecord('size', String(size)));
  for (const key of ['uid', 'gid'] as const) {
    const v = e[key] ?? 0;
    if (v > MAX_OCTAL_7) out.push(paxRecord(key, String(v)));
  }
  const mtime = Math.floor(e.mtime ?? 0);
  if (mtime < 0 || mtime > MAX_OCTAL_11) out.push(paxRecord('mtime', String(mtime)));
  for (const [k, v] of Object.entries(e.xattrs ?? {})) out.push(paxRecord(`SCHILY.xattr.${k}`, v));
  return out;
}

/** The bytes of a tar archive holding `entries`, in order, ending with the two zero blocks. */
export async function* writeTar(entries: AsyncIterable<TarWriteEntry> | Iterable<TarWriteEntry>): AsyncGenerator<Buffer> {
  for await (const e of entries) {
    const name = e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
    const link = e.type === 'symlink' || e.type === 'link' ? e.linkname ?? '' : '';
    const given = typeof e.body === 'string' ? Buffer.from(e.body) : e.body ?? Buffer.alloc(0);
    const size = e.type === 'file' ? (e.size ?? (Buffer.isBuffer(given) ? given.length : 0)) : 0;
    const pax = paxRecords(name, link, size, e);
    if (pax.length) {
      const body = Buffer.concat(pax);
      yield header(`PaxHeaders/${Buffer.from(name).subarray(0, 80).toString('latin1').replace(/[^\x20-\x7e]/g, '_')}`, 'x', body.length, {});
      yield Buffer.concat([body, padding(body.length)]);
    }
    yield header(name, FLAG[e.type], size, e, link);
    if (e.type !== 'file') continue;
    let written = 0;
    for await (const chunk of Buffer.isBuffer(given) ? [given] : given) {
      written += chunk.length;
      if (written > size) throw new Error(`tar entry ${e.name}: more than its size of ${size} bytes`);
      yield chunk;
    }
    if (written !== size) throw new Error(`tar entry ${e.name}: ${written} bytes written for a size of ${size}`);
    yield padding(size);
  }
  yield Buffer.alloc(BLOCK * 2);
}
