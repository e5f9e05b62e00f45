/**
 * Layer decompression, told by magic bytes as moby does (a media type may lie): gzip through
 * Node's zlib, zstd through Debian's `unzstd` (Node 20's zlib has no zstd, and the npm ports are
 * either native add-ons that download prebuilt binaries or slower pure-JS decoders; the C tool
 * streams at native speed in its own process), anything else passes as a plain tar.
 * @module
 */
import { spawn } from 'node:child_process';
import { createGunzip } from 'node:zlib';
import type { Compression } from '../wire/oci.ts';
import { InvalidParameter } from '../errors.ts';

/** Debian's zstd decompressor (package zstd). */
export const UNZSTD = '/usr/bin/unzstd';

/** The compression the first bytes of a blob show. */
export function sniffCompression(head: Buffer): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** Re-yields `first` and then the rest of `it`. */
async function* prepend(first: Buffer, it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
}

/** The uncompressed bytes of a layer blob, whatever its compression. */
export async function* decompress(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 4) {
    const r = await it.next();
    if (r.done) break;
    head = Buffer.concat([head, r.value]);
  }
  if (!head.length) return;
  const kind = head.length >= 4 ? sniffCompression(head) : 'none';
  const source = prepend(head, it);
  if (kind === 'none') {
    yield* source;
  } else if (kind === 'gzip') {
    // Large output chunks: each one crosses a chain of async generators down to the helper.
    yield* through(createGunzip({ chunkSize: 1 << 20 }), source, 'gzip');
  } else {
    yield* unzstd(source);
  }
}

/** Pipes `source` through a transform, yielding its output; errors become InvalidParameter. */
async function* through(t: NodeJS.ReadWriteStream & { destroy(e?: Error): void }, source: AsyncIterable<Buffer>, what: string): AsyncGenerator<Buffer> {
  let feedError: unknown = null;
  const feed = (async () => {
    try {
      for await (const chunk of source) {
        // A transform that failed never drains: its close ends the wait too.
        if (!t.write(chunk)) await new Promise((r) => { t.once('drain', r); t.once('close', r); });
        if ((t as unknown as { destroyed: boolean }).destroyed) break;
      }
      t.end();
    } catch (err) {
      feedError = err;
      t.destroy(err as Error);
    }
  })();
  try {
    for await (const out of t as AsyncIterable<Buffer>) yield out;
  } catch (err) {
    if (feedError) throw feedError;
    throw new InvalidParameter(`invalid ${what} layer: ${(err as Error).message}`, 'MOORAGE_INVALID_ARCHIVE');
  } finally {
    t.destroy();
    await feed;
  }
  if (feedError) throw feedError;
}

/** zstd through `unzstd -c`: stdin in, stdout out; a bad frame is its non-zero exit. */
async function* unzstd(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const child = spawn(UNZSTD, ['-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  child.stdin.on('error', () => {}); // it stopped reading: its exit says why
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (err) => reject(new InvalidParameter(`zstd layer: cannot run ${UNZSTD}: ${err.message} (run scripts/setup.sh)`, 'MOORAGE_INVALID_ARCHIVE')));
    child.on('close', (code) => resolve(code));
  });
  exited.catch(() => {}); // awaited below once the output is read
  let feedError: unknown = null;
  const feed = (async () => {
    try {
      for await (const chunk of source) {
        if (!child.stdin.write(chunk)) await new Promise((r) => { child.stdin.once('drain', r); child.stdin.once('close', r); });
        if (child.stdin.destroyed) break;
      }
      child.stdin.end();
    } catch (err) {
      feedError = err;
      child.kill('SIGKILL');
    }
  })();
  try {
    for await (const out of child.stdout as AsyncIterable<Buffer>) yield out;
    await feed;
    if (feedError) throw feedError;
    const code = await exited;
    if (code !== 0) throw new InvalidParameter(`invalid zstd layer: ${stderr.trim() || `unzstd exited with ${code}`}`, 'MOORAGE_INVALID_ARCHIVE');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await feed;
  }
}
