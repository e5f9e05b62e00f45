/**
 * System operations of the SDK: ping, version, info and the event stream.
 * @module
 */
import { pipeline, type Readable } from 'node:stream';
import type { CallOptions, Transport } from './transport.ts';
import { JsonLines } from './json-lines.ts';
import type { DiskUsageResponse, EngineEvent, Filters, InfoResponse, PingResponse, VersionResponse } from './types.ts';

/** Options of {@link System.events}. */
export interface EventsOptions extends CallOptions {
  /** Replay from this time: unix seconds, `sec.nanos`, or a Date. */
  since?: number | string | Date;
  /** Stop at this time: unix seconds, `sec.nanos`, or a Date. */
  until?: number | string | Date;
  /** e.g. `{ type: ['container'], event: ['die'], container: ['web'] }`. */
  filters?: Filters;
}

/** A stream of engine events (object mode); `destroy()` it to hang up. */
export type EventStream = Readable & AsyncIterable<EngineEvent>;

/** System operations; reach it as `client.system`. */
export class System {
  constructor(private readonly t: Transport) {}

  /** Pings the engine (`GET /_ping`, unversioned) and reports its headers. */
  async ping(opts: CallOptions = {}): Promise<PingResponse> {
    const r = await this.t.send({ method: 'GET', path: '/_ping', unversioned: true,
      timeoutMs: opts.timeoutMs ?? 10_000, abortSignal: opts.abortSignal });
    const h = (n: string) => { const v = r.headers[n]; return Array.isArray(v) ? v[0] : v; };
    return { apiVersion: h('api-version'), osType: h('ostype'),
      experimental: h('docker-experimental') === 'true', server: h('server') };
  }

  /** The engine's version (`GET /version`). */
  version(opts: CallOptions = {}): Promise<VersionResponse> {
    return this.t.json({ method: 'GET', path: '/version', ...opts });
  }

  /** System-wide information (`GET /info`). */
  info(opts: CallOptions = {}): Promise<InfoResponse> {
    return this.t.json({ method: 'GET', path: '/info', ...opts });
  }

  /** Disk use of images and containers (`GET /system/df`). */
  df(opts: CallOptions = {}): Promise<DiskUsageResponse> {
    return this.t.json({ method: 'GET', path: '/system/df', ...opts });
  }

  /**
   * Streams engine events. Without `until` the stream lasts until destroyed; the deadline
   * applies only until the engine accepted the request.
   */
  async events(opts: EventsOptions = {}): Promise<EventStream> {
    const res = await this.t.stream({ method: 'GET', path: '/events', query: {
      since: timeArg(opts.since), until: timeArg(opts.until),
      filters: opts.filters && Object.keys(opts.filters).length ? JSON.stringify(opts.filters) : undefined,
    }, headers: { Accept: 'application/jsonl, application/x-ndjson;q=0.9, application/json-seq;q=0.5' },
    timeoutMs: opts.timeoutMs, abortSignal: opts.abortSignal });
    const lines = new JsonLines<EngineEvent>();
    pipeline(res, lines, () => {});
    return lines as EventStream;
  }
}

/** Renders a time for `since`/`until`: unix seconds with nanoseconds. */
export function timeArg(t: number | string | Date | undefined): string | undefined {
  if (t === undefined) return undefined;
  if (t instanceof Date) {
    const ms = t.getTime();
    return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1_000_000).padStart(9, '0')}`;
  }
  return String(t);
}
