/**
 * `POST /containers/prune`: removes every stopped container the filters select (`until`,
 * `label`, `label!`), one prune at a time.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { Conflict } from '../../errors.ts';
import { matchLabels, parseFilters, type Filters } from '../../events/filters.ts';
import { treeSize } from '../../snapshots/usage.ts';
import type { Engine } from '../engine.ts';
import { parseTimestamp } from './logs.ts';
import { removeContainer } from './remove.ts';

const PRUNE_FILTERS = ['until', 'label', 'label!'] as const;

/** Docker's answer. */
export interface PruneReport {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

const pruning = new WeakSet<Engine>();

/** Removes the stopped containers `filters` select, and publishes `prune`. */
export async function pruneContainers(d: Engine, filters?: string): Promise<PruneReport> {
  const f = parseFilters(filters, PRUNE_FILTERS);
  const until = (f.get('until') ?? []).map((u) => parseTimestamp(u, 'until'));
  if (pruning.has(d)) throw new Conflict('a prune operation is already running');
  pruning.add(d);
  try {
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const c of d.containers.all()) {
      if (c.state.running || c.state.data.RemovalInProgress || !selected(c, f, until)) continue;
      const size = await treeSize(c.upperDir);
      try {
        await removeContainer(d, c, { force: false });
      } catch (err) {
        d.log.warn({ err, id: c.id }, 'prune could not remove a container');
        continue;
      }
      deleted.push(c.id);
      reclaimed += size;
    }
    d.events.publish('container', 'prune', '', { reclaimed: String(reclaimed) });
    return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  } finally {
    pruning.delete(d);
  }
}

function selected(c: Container, f: Filters, until: bigint[]): boolean {
  const created = BigInt(Date.parse(c.record.Created)) * 1_000_000n;
  if (until.some((u) => created >= u)) return false;
  const labels = c.config.Labels ?? {};
  const want = f.get('label');
  if (want && !matchLabels(want, labels)) return false;
  const unwanted = f.get('label!');
  if (unwanted && unwanted.some((w) => matchLabels([w], labels))) return false;
  return true;
}
