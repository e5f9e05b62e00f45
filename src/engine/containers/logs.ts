/**
 * `GET /containers/{id}/logs` and the output side of attach: records from the container's
 * k8s-file log, filtered by stream, time and tail, optionally followed until it stops.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { parseDuration } from '../../units.ts';
import { InvalidParameter } from '../../errors.ts';
import { followLog, logSize, readLog, type LogRecord } from '../../runtime/k8s-log.ts';

/** What the client asked for. */
export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  /** Last N records; undefined for all. */
  tail?: number;
  /** Nanoseconds since the epoch; 0 for no bound. */
  sinceNano: bigint;
  untilNano: bigint;
}

/**
 * Parses Docker's `since`/`until` (`sec[.nanos]`, RFC 3339, a Go duration before now, or empty)
 * into nanoseconds since the epoch.
 */
export function parseTimestamp(raw: string | undefined, name: string, now = Date.now()): bigint {
  if (raw === undefined || raw === '') return 0n;
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(raw);
  if (m) return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
  const ago = parseDuration(raw);
  if (ago !== undefined) return BigInt(Math.round(now - ago)) * 1_000_000n;
  const ms = Date.parse(raw);
  if (!Number.isNaN(ms)) return BigInt(ms) * 1_000_000n;
  throw new InvalidParameter(`invalid value for "${name}": failed to parse value as time or duration: "${raw}"`);
}

/** Parses `tail`: `all`, empty or negative means everything. */
export function parseTail(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '' || raw === 'all') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new InvalidParameter(`invalid value for "tail": ${raw}`);
  return n < 0 ? undefined : n;
}

/** The container's log records, as the options select them. */
export async function* containerLogs(c: Container, o: LogOptions, abort: AbortSignal): AsyncGenerator<LogRecord> {
  const keep = (r: LogRecord) => ((r.stream === 'stdout' && o.stdout) || (r.stream === 'stderr' && o.stderr))
    && (o.sinceNano === 0n || r.timeNano >= o.sinceNano) && (o.untilNano === 0n || r.timeNano <= o.untilNano);
  let end = 0;
  const last: LogRecord[] = []; // with tail, only the last N are kept while reading
  for await (const batch of readLog(c.logPath)) {
    end = batch.end;
    for (const r of batch.records) {
      if (!keep(r)) continue;
      if (o.tail === undefined) {
        yield r;
        continue;
      }
      last.push(r);
      if (last.length > o.tail) last.shift();
    }
  }
  for (const r of last) yield r;
  if (!o.follow || !c.state.running || (o.untilNano !== 0n && o.untilNano < BigInt(Date.now()) * 1_000_000n)) return;
  const stopped = c.state.wait('not-running');
  abort.addEventListener('abort', () => stopped.cancel(), { once: true });
  for await (const r of followLog(c.logPath, end, stopped.result, abort)) {
    if (keep(r)) yield r;
  }
}

/** Where the container's output ends now: an attach that begins here misses nothing after it. */
export function logOffset(c: Container): Promise<number> {
  return logSize(c.logPath);
}

/** The output of a container from now on, until it stops (for attach). */
export async function* attachOutput(c: Container, streams: { stdout: boolean; stderr: boolean }, abort: AbortSignal, from?: number): AsyncGenerator<LogRecord> {
  const offset = from ?? (await logSize(c.logPath));
  const stopped = c.state.wait('next-exit');
  abort.addEventListener('abort', () => stopped.cancel(), { once: true });
  // Attach comes before start in `docker run`, so it always lasts until the next exit.
  for await (const r of followLog(c.logPath, offset, stopped.result, abort)) {
    if ((r.stream === 'stdout' && streams.stdout) || (r.stream === 'stderr' && streams.stderr)) yield r;
  }
}
