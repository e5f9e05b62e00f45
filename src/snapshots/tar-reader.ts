/**
 * A streaming tar reader (POSIX ustar with pax extended headers, and GNU long names), written
 * here because the npm parsers decode pax values as UTF-8 text, which corrupts binary extended
 * attributes such as `security.capability`; image layers carry them as `SCHILY.xattr.*` records.
 * Checksums are verified; anything malformed is an InvalidParameter.
 * @module
 */
import { InvalidParameter } from '../errors.ts';
import { ByteReader } from './byte-reader.ts';

/** Entry kinds moorage understands. */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'link' | 'char' | 'block' | 'fifo';

/** One archive entry. Its content must be read (or is skipped) before the next entry. */
export interface TarEntry {
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  size: number;
  /** Symlink target or hard-link target. */
  linkname: string;
  devmajor: number;
  devminor: number;
  /** Extended attributes from pax `SCHILY.xattr.*` records, values as bytes. */
  xattrs: Record<string, Buffer>;
  /** The content, `size` bytes. */
  body: AsyncIterable<Buffer>;
}

const BLOCK = 512;
/** Longest name or link target accepted (PATH_MAX). */
const MAX_NAME = 4096;
/** Largest pax or GNU long-name record accepted. */
const MAX_META = 1 << 20;

const TYPES: Record<string, TarEntryType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'link', '2': 'symlink', '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo',
};

/** A NUL-terminated string field. */
function str(b: Buffer, off: number, len: number): string {
  const f = b.subarray(off, off + len);
  const end = f.indexOf(0);
  return f.subarray(0, end < 0 ? len : end).toString('utf8');
}

/** A numeric field: octal text, or base-256 when the top bit of the first byte is set. */
export function num(b: Buffer, off: number, len: number): number {
  const f = b.subarray(off, off + len);
  if (f[0]! & 0x80) {
    if (f[0]! & 0x40) throw new InvalidParameter('invalid tar header: negative number', 'MOORAGE_INVALID_ARCHIVE');
    let v = BigInt(f[0]! & 0x3f);
    for (const byte of f.subarray(1)) v = (v << 8n) | BigInt(byte);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidParameter('invalid tar header: number too large', 'MOORAGE_INVALID_ARCHIVE');
    return Number(v);
  }
  const text = f.toString('latin1').replace(/[\0 ]+$/, '').replace(/^[ ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new InvalidParameter(`invalid tar header: bad number "${text}"`, 'MOORAGE_INVALID_ARCHIVE');
  return parseInt(text, 8);
}

/** Whether a header block's checksum is right (signed and unsigned sums are both in use). */
function checksumOk(h: Buffer): boolean {
  const want = num(h, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  return want === unsigned || want === signed;
}

/** Parses pax records (`LEN KEY=VALUE\n`), keeping values as bytes. */
export function parsePax(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off < buf.length) {
    if (buf[off] === 0) break; // NUL padding
    const sp = buf.indexOf(0x20, off);
    const len = sp > off ? Number(buf.toString('latin1', off, sp)) : NaN;
    if (!Number.isInteger(len) || len <= sp - off || off + len > buf.length || buf[off + len - 1] !== 0x0a) {
      throw new InvalidParameter('invalid tar archive: malformed pax record', 'MOORAGE_INVALID_ARCHIVE');
    }
    const rec = buf.subarray(sp + 1, off + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq <= 0) throw new InvalidParameter('invalid tar archive: malformed pax record', 'MOORAGE_INVALID_ARCHIVE');
    out.set(rec.toString('utf8', 0, eq), rec.subarray(eq + 1));
    off += len;
  }
  return out;
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/** Reads a whole small record (a pax header or a GNU long name) of `size` bytes. */
async function readRecord(r: ByteReader, size: number, what: string): Promise<Buffer> {
  if (size > MAX_META) throw new InvalidParameter(`invalid tar archive: ${what} of ${size} bytes`, 'MOORAGE_INVALID_ARCHIVE');
  const data = await r.read(size + padding(size));
  if (data.length < size + padding(size)) throw new InvalidParameter('invalid tar archive: unexpected end of archive', 'MOORAGE_INVALID_ARCHIVE');
  return Buffer.from(data.subarray(0, size));
}

/** The entries of a tar stream, in order. */
export async function* readTar(input: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const r = new ByteReader(input);
  let global = new Map<string, Buffer>();
  let local = new Map<string, Buffer>();
  let longName: string | null = null;
  let longLink: string | null = null;
  for (;;) {
    const h = await r.read(BLOCK);
    if (h.length === 0) return; // no end-of-archive blocks: accepted, as GNU tar does
    if (h.length < BLOCK) throw new InvalidParameter('invalid tar archive: unexpected end of archive', 'MOORAGE_INVALID_ARCHIVE');
    if (h.every((b) => b === 0)) {
      await r.drain();
      return;
    }
    if (!checksumOk(h)) throw new InvalidParameter('invalid tar archive: header checksum mismatch', 'MOORAGE_INVALID_ARCHIVE');
    const flag = String.fromCharCode(h[156]!);
    const size = num(h, 124, 12);
    if (flag === 'x' || flag === 'g') {
      const recs = parsePax(await readRecord(r, size, 'pax header'));
      if (flag === 'g') global = new Map([...global, ...recs]);
      else local = new Map([...local, ...recs]);
      continue;
    }
    if (flag === 'L' || flag === 'K') {
      const text = (await readRecord(r, size, 'long name')).toString('utf8').replace(/\0+$/, '');
      if (flag === 'L') longName = text; else longLink = text;
      continue;
    }
    const type = TYPES[flag];
    if (!type) throw new InvalidParameter(`invalid tar archive: unsupported entry type '${flag}'`, 'MOORAGE_INVALID_ARCHIVE');
    const pax = new Map([...global, ...local]);
    const magic = h.toString('latin1', 257, 263);
    const prefix = magic === 'ustar\0' ? str(h, 345, 155) : '';
    const text = (key: string) => pax.get(key)?.toString('utf8');
    let name = text('path') ?? longName ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100));
    const linkname = text('linkpath') ?? longLink ?? str(h, 157, 100);
    if (name.length > MAX_NAME || linkname.length > MAX_NAME) throw new InvalidParameter('invalid tar archive: name too long', 'MOORAGE_INVALID_ARCHIVE');
    if (type === 'directory' && name.endsWith('/')) name = name.replace(/\/+$/, '') || '.';
    const paxNum = (key: string, fallback: number) => {
      const v = text(key);
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new InvalidParameter(`invalid tar archive: pax ${key}=${v}`, 'MOORAGE_INVALID_ARCHIVE');
      return n;
    };
    const entrySize = paxNum('size', size);
    const xattrs: Record<string, Buffer> = {};
    for (const [k, v] of pax) if (k.startsWith('SCHILY.xattr.')) xattrs[k.slice('SCHILY.xattr.'.length)] = v;
    // Content of any entry type is consumed (only files' is meant to be used).
    const contentSize = entrySize;
    const body = r.section(contentSize, () => new InvalidParameter('invalid tar archive: unexpected end of archive', 'MOORAGE_INVALID_ARCHIVE'));
    yield {
      name, type, linkname, xattrs, body,
      mode: num(h, 100, 8) & 0o7777,
      uid: paxNum('uid', num(h, 108, 8)),
      gid: paxNum('gid', num(h, 116, 8)),
      mtime: new Date(paxNum('mtime', num(h, 136, 12)) * 1000),
      size: type === 'file' ? entrySize : 0,
      devmajor: type === 'char' || type === 'block' ? num(h, 329, 8) : 0,
      devminor: type === 'char' || type === 'block' ? num(h, 337, 8) : 0,
    };
    // Whatever the consumer left unread, then the padding.
    await body.skipRest();
    const pad = padding(contentSize);
    if (pad && (await r.read(pad)).length < pad) throw new InvalidParameter('invalid tar archive: unexpected end of archive', 'MOORAGE_INVALID_ARCHIVE');
    local = new Map();
    longName = null;
    longLink = null;
  }
}
