/**
 * `GET /events` as the engine serves it to any door: the events recorded in a window
 * (`since`/`until`), then live ones, filtered as Docker filters them, ending at `until` or when
 * the reader goes away. A slow reader loses its oldest queued events, never slows the engine.
 * @module
 */
import { InvalidParameter } from '../errors.ts';
import { EVENT_FILTERS, eventMatches, type EngineEvent } from '../events/bus.ts';
import { parseFilters } from '../events/filters.ts';
import type { Engine } from './engine.ts';

export type { EngineEvent } from '../events/bus.ts';

/** What a reader asked for. */
export interface EventQuery {
  /** Nanoseconds since the epoch; 0 for no bound. A bound set at all asks for a replay. */
  since: bigint;
  until: bigint;
  replay: boolean;
  /** Docker's `filters` JSON. */
  filters?: string;
}

/** The events matching `q`, replayed then live; validates the query before it yields anything. */
export function readEvents(d: Engine, q: EventQuery, abort: AbortSignal): AsyncGenerator<EngineEvent> {
  if (q.until !== 0n && q.since !== 0n && q.until < q.since) throw new InvalidParameter('`since` time cannot be after `until` time');
  const filters = parseFilters(q.filters, EVENT_FILTERS);
  const sub = d.events.subscribe(); // before the replay, so nothing falls between the two
  return (async function* () {
    const nowNano = () => BigInt(Date.now()) * 1_000_000n;
    let last = 0n;
    let timer: NodeJS.Timeout | undefined;
    try {
      if (q.replay) {
        for (const e of d.events.replay(q.since, q.until === 0n ? nowNano() : q.until)) {
          last = e.timeNano;
          if (eventMatches(e, filters)) yield e;
        }
      }
      if (q.until !== 0n && q.until <= nowNano()) return;
      if (q.until !== 0n) timer = setTimeout(() => sub.close(), Number((q.until - nowNano()) / 1_000_000n));
      abort.addEventListener('abort', () => sub.close(), { once: true });
      for await (const e of sub) {
        if (e.timeNano <= last) continue;
        if (q.until !== 0n && e.timeNano > q.until) break;
        if (eventMatches(e, filters)) yield e;
      }
    } finally {
      clearTimeout(timer);
      sub.close();
    }
  })();
}
