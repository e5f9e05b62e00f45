/**
 * conmon's k8s-file log: one record per line, `<RFC3339Nano time> <stdout|stderr> <F|P> <text>`,
 * where `P` marks a chunk that ended without a newline. Read whole, or followed as it grows
 * (by watching the file, not polling).
 * @module
 */
import { watch } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** One log record. */
export interface LogRecord {
  /** Nanoseconds since the epoch. */
  timeNano: bigint;
  stream: 'stdout' | 'stderr';
  /** The text, with its newline unless the chunk was partial. */
  text: string;
}

/** Parses one log line; null for a malformed one. */
export function parseLogLine(line: string): LogRecord | null {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0 || c < 0) return null;
  const stream = line.slice(a + 1, b);
  const tag = line.slice(b + 1, c);
  if ((stream !== 'stdout' && stream !== 'stderr') || (tag !== 'F' && tag !== 'P')) return null;
  const timeNano = parseTimeNano(line.slice(0, a));
  if (timeNano === null) return null;
  const text = line.slice(c + 1);
  return { timeNano, stream, text: tag === 'F' ? `${text}\n` : text };
}

/** RFC 3339 with up to nine fractional digits and a zone, to nanoseconds since the epoch. */
export function parseTimeNano(s: string): bigint | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** Bytes read at a time, so a large log never becomes one large buffer. */
const CHUNK = 1 << 20;

/**
 * Reads the complete records from `offset` on, a chunk at a time. Each batch comes with the
 * offset just after its last line, where a later read continues.
 */
export async function* readLog(path: string, offset = 0): AsyncGenerator<{ records: LogRecord[]; end: number }> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return;
  }
  try {
    let pos = offset;
    let carry = Buffer.alloc(0);
    for (;;) {
      const buf = Buffer.alloc(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos + carry.length);
      if (bytesRead === 0) return;
      const data = Buffer.concat([carry, buf.subarray(0, bytesRead)]);
      const lastNl = data.lastIndexOf(0x0a);
      if (lastNl < 0) {
        carry = data; // a line longer than a chunk: keep reading
        continue;
      }
      const records: LogRecord[] = [];
      for (const line of data.subarray(0, lastNl).toString('utf8').split('\n')) {
        const r = parseLogLine(line);
        if (r) records.push(r);
      }
      pos += lastNl + 1;
      carry = data.subarray(lastNl + 1);
      yield { records, end: pos };
    }
  } finally {
    await fh.close();
  }
}

/** The log's current size (where a follower that wants only new output starts). */
export async function logSize(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

/**
 * Follows the log from `offset`, yielding records as conmon appends them, until `done`
 * resolves (the container stopped; the rest is then drained) or `abort` fires.
 */
export async function* followLog(path: string, offset: number, done: Promise<unknown>, abort: AbortSignal): AsyncGenerator<LogRecord> {
  let pos = offset;
  let wake: (() => void) | null = null;
  let finished = false;
  void done.then(() => { finished = true; wake?.(); });
  const onAbort = () => { wake?.(); };
  abort.addEventListener('abort', onAbort);
  let watcher: ReturnType<typeof watch> | null = null;
  const ensureWatch = () => {
    if (watcher) return;
    try {
      watcher = watch(path, () => wake?.());
      watcher.on('error', () => {});
    } catch { /* the file appears with the first output; retried on the next pass */ }
  };
  try {
    for (;;) {
      ensureWatch();
      const wasFinished = finished; // once stopped, one more pass drains what is left
      let got = false;
      for await (const batch of readLog(path, pos)) {
        pos = batch.end;
        got ||= batch.records.length > 0;
        for (const r of batch.records) yield r;
        if (abort.aborted) return;
      }
      if (wasFinished) return;
      if (got || finished) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        // A new file (created after we looked) is not watched yet: look again shortly.
        if (!watcher) setTimeout(resolve, 50);
      });
      wake = null;
    }
  } finally {
    abort.removeEventListener('abort', onAbort);
    (watcher as ReturnType<typeof watch> | null)?.close();
  }
}
