/**
 * The event bus: publishes Docker events to subscribers and keeps a replay ring, like moby's
 * `daemon/events`. A slow subscriber loses events rather than slowing the engine.
 * @module
 */
import { matchLabels, type Filters } from './filters.ts';

/** A Docker event message (without the legacy fields the API adds for old versions). */
export interface EngineEvent {
  Type: 'container' | 'image' | 'daemon' | 'network' | 'volume';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  /** Nanoseconds since the epoch; a bigint because a double cannot hold it exactly. */
  timeNano: bigint;
}

/** Keys `GET /events` accepts in `filters`. */
export const EVENT_FILTERS = ['config', 'container', 'daemon', 'event', 'image', 'label', 'network',
  'node', 'plugin', 'scope', 'secret', 'service', 'type', 'volume'] as const;

/** How many events the replay ring keeps. */
export const RING_SIZE = 1024;
/** Events buffered for one subscriber before it starts losing them. */
const SUBSCRIBER_BUFFER = 1024;

type Listener = (e: EngineEvent) => void;

/** Publishes events and replays recent ones. */
export class EventBus {
  #ring: EngineEvent[] = [];
  #listeners = new Set<Listener>();
  #lastNano = 0n;

  /** Publishes an event now; `time` and `timeNano` are filled in, strictly increasing. */
  publish(type: EngineEvent['Type'], action: string, id: string,
    attributes: Record<string, string> = {}): EngineEvent {
    let nano = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    if (nano <= this.#lastNano) nano = this.#lastNano + 1n;
    this.#lastNano = nano;
    const e: EngineEvent = {
      Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local',
      time: Number(nano / 1_000_000_000n), timeNano: nano,
    };
    this.#ring.push(e);
    if (this.#ring.length > RING_SIZE) this.#ring.shift();
    for (const l of this.#listeners) l(e);
    return e;
  }

  /** Events in the ring with `since <= timeNano <= until` (nanoseconds). */
  replay(sinceNano: bigint, untilNano: bigint): EngineEvent[] {
    return this.#ring.filter((e) => e.timeNano >= sinceNano && e.timeNano <= untilNano);
  }

  /**
   * Subscribes to new events. Events queue while the consumer is busy; past
   * {@link SUBSCRIBER_BUFFER} the oldest queued ones are dropped.
   */
  subscribe(): AsyncIterableIterator<EngineEvent> & { close(): void } {
    const queue: EngineEvent[] = [];
    let wake: (() => void) | null = null;
    let closed = false;
    const listener: Listener = (e) => {
      queue.push(e);
      if (queue.length > SUBSCRIBER_BUFFER) queue.shift();
      wake?.();
    };
    this.#listeners.add(listener);
    const close = () => {
      closed = true;
      this.#listeners.delete(listener);
      wake?.();
    };
    const iterator = {
      async next(): Promise<IteratorResult<EngineEvent>> {
        while (!queue.length && !closed) await new Promise<void>((r) => { wake = r; });
        wake = null;
        if (queue.length) return { value: queue.shift()!, done: false };
        return { value: undefined, done: true };
      },
      async return(): Promise<IteratorResult<EngineEvent>> {
        close();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() { return iterator; },
      close,
    };
    return iterator;
  }
}

/** True when an event passes `GET /events` filters. */
export function eventMatches(e: EngineEvent, f: Filters): boolean {
  const any = (key: string, values: string[]) => !f.has(key) || f.get(key)!.some((v) => values.includes(v));
  const attrs = e.Actor.Attributes;
  if (!any('type', [e.Type])) return false;
  if (!any('event', [e.Action])) return false;
  if (!any('scope', [e.scope])) return false;
  if (f.has('container')) {
    if (e.Type !== 'container') return false;
    const id = e.Actor.ID;
    if (!f.get('container')!.some((v) => v === id || v === attrs.name || (v.length >= 1 && id.startsWith(v)))) return false;
  }
  if (f.has('image')) {
    const img = e.Type === 'image' ? [e.Actor.ID, attrs.name ?? ''] : [attrs.image ?? ''];
    if (!f.get('image')!.some((v) => img.includes(v))) return false;
  }
  if (f.has('label') && !matchLabels(f.get('label')!, attrs)) return false;
  for (const key of ['config', 'network', 'node', 'plugin', 'secret', 'service', 'volume', 'daemon']) {
    if (f.has(key) && e.Type !== key) return false;
  }
  return true;
}
