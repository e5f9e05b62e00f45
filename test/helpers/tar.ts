/**
 * Builds tarballs in memory for tests, including hostile ones and entries with binary extended
 * attributes (written as pax `SCHILY.xattr.*` records, byte for byte).
 * @module
 */

/** One archive entry. */
export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'char' | 'fifo';
  linkname?: string;
  body?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch. */
  mtime?: number;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, Buffer>;
}

const FLAGS = { file: '0', link: '1', symlink: '2', char: '3', directory: '5', fifo: '6' } as const;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** One 512-byte ustar header. */
function header(name: string, flag: string, size: number, e: TarEntry): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(e.mode ?? 0o755, 8), 100, 'latin1');
  h.write(octal(e.uid ?? 0, 8), 108, 'latin1');
  h.write(octal(e.gid ?? 0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(e.mtime ?? 1_700_000_000, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(flag, 156, 'latin1');
  h.write(e.linkname ?? '', 157, 100, 'utf8');
  h.write('ustar\x0000', 257, 'latin1');
  h.write(octal(e.devmajor ?? 0, 8), 329, 'latin1');
  h.write(octal(e.devminor ?? 0, 8), 337, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7), 148, 'latin1');
  return h;
}

const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);

/** A pax record `LEN key=value\n`, the length counting itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
  return Buffer.concat([Buffer.from(String(len)), rest]);
}

/** A tarball holding `entries`. */
export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = type === 'file' ? Buffer.from(e.body ?? '') : Buffer.alloc(0);
    if (e.xattrs && Object.keys(e.xattrs).length) {
      const pax = Buffer.concat(Object.entries(e.xattrs).map(([k, v]) => paxRecord(`SCHILY.xattr.${k}`, v)));
      parts.push(header('PaxHeaders/x', 'x', pax.length, {} as TarEntry), pad(pax));
    }
    const name = type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
    parts.push(header(name, FLAGS[type], body.length, e), pad(body));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
