/**
 * Builds tarballs in memory for tests, including hostile ones and entries with binary extended
 * attributes (written as pax `SCHILY.xattr.*` records, byte for byte), and reads them back.
 * @module
 */
import { Readable } from 'node:stream';
import { readTar } from '../../src/snapshots/tar-reader.ts';
import { writeTar, type TarWriteEntry } from '../../src/snapshots/tar-writer.ts';

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

/** A tarball holding `entries`, written by the engine's own tar writer (names taken as they are). */
export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of writeTar(entries.map((e): TarWriteEntry => ({
    ...e, type: e.type ?? 'file', mode: e.mode ?? 0o755, mtime: e.mtime ?? 1_700_000_000,
  })))) parts.push(b);
  return Buffer.concat(parts);
}

/** An entry read back: its header fields and its content as text. */
export interface ReadEntry {
  name: string;
  type: string;
  uid: number;
  gid: number;
  linkname: string;
  text: string;
}

/** The entries of a tar (a buffer or a stream), in order, with the project's reader. */
export async function readEntries(input: Buffer | Readable): Promise<ReadEntry[]> {
  const out: ReadEntry[] = [];
  for await (const e of readTar(Buffer.isBuffer(input) ? Readable.from([input]) : input)) {
    const chunks: Buffer[] = [];
    for await (const c of e.body) chunks.push(c);
    out.push({ name: e.name, type: e.type, uid: e.uid, gid: e.gid, linkname: e.linkname, text: Buffer.concat(chunks).toString('utf8') });
  }
  return out;
}
