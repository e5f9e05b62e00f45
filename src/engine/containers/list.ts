/**
 * `GET /containers/json`: which containers a listing shows (`all`, `limit`, `filters`).
 * @module
 */
import { RE2JS } from 're2js';
import type { Container } from '../../container/container.ts';
import { InvalidParameter } from '../../errors.ts';
import { matchLabels, parseFilters } from '../../events/filters.ts';
import type { Engine } from '../engine.ts';
import { findImage } from '../images/resolve.ts';

/** Filter keys a container listing accepts. */
export const LIST_FILTERS = ['name', 'id', 'status', 'label', 'exited', 'ancestor', 'before', 'since', 'health', 'network', 'volume', 'publish', 'expose', 'isolation', 'is-task'] as const;
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

/** The containers a listing shows, newest first as Docker lists them. */
export function listContainers(d: Engine, opts: { all: boolean; limit?: number; filters?: string }): Container[] {
  const f = parseFilters(opts.filters, LIST_FILTERS);
  for (const s of f.get('status') ?? []) {
    if (!STATUSES.includes(s)) throw new InvalidParameter(`invalid filter 'status=${s}'`);
  }
  // A limit lists the newest containers whatever their state (`docker ps -n`, `-l`), as moby does.
  const all = opts.all || (opts.limit ?? 0) > 0 || f.has('status') || f.has('exited');
  let out = d.containers.all().reverse().filter((c) => {
    if (!all && !c.state.running) return false;
    if (f.has('id') && !f.get('id')!.some((v) => c.id.startsWith(v))) return false;
    if (f.has('name') && !f.get('name')!.some((v) => nameMatches(v, c.record.Name))) return false;
    if (f.has('status') && !f.get('status')!.includes(c.state.status)) return false;
    if (f.has('label') && !matchLabels(f.get('label')!, c.config.Labels)) return false;
    if (f.has('exited') && (c.state.running || !f.get('exited')!.map(Number).includes(c.state.data.ExitCode) || c.state.status === 'created')) return false;
    if (f.has('ancestor') && !f.get('ancestor')!.some((v) => v === c.config.Image || findImage(d, v)?.Id === c.record.Image)) return false;
    return true;
  });
  for (const key of ['before', 'since'] as const) {
    const ref = f.get(key)?.[0];
    if (!ref) continue;
    const pivot = d.containers.get(ref);
    out = out.filter((c) => key === 'before' ? c.record.Created < pivot.record.Created : c.record.Created > pivot.record.Created);
  }
  if (opts.limit !== undefined && opts.limit > 0) out = out.slice(0, opts.limit);
  return out;
}

/**
 * Docker matches names as a Go (RE2) regular expression against `/name`: linear time, so no
 * pattern can stall the engine (JavaScript's backtracking engine takes exponential time on
 * `^/(a+)+$`). A pattern that does not compile matches nothing, as in Docker.
 */
function nameMatches(pattern: string, name: string): boolean {
  try {
    return RE2JS.compile(pattern).matcher(name).find();
  } catch {
    return false;
  }
}
