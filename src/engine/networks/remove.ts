/**
 * `DELETE /networks/{id}` and `POST /networks/prune`: a user network without running containers
 * on it goes (stopped containers keep their endpoint and fail to start, as in Docker); the
 * predefined ones never.
 * @module
 */
import { parseTimestamp } from '../containers/logs.ts';
import { Forbidden } from '../../errors.ts';
import { parseFilters, matchLabels } from '../../events/filters.ts';
import type { NetworkRecord } from '../../network/types.ts';
import type { Engine } from '../engine.ts';
import { containersOn, membersOf } from './view.ts';

/** Removes a network and publishes `destroy`. */
export async function removeNetwork(d: Engine, ref: string): Promise<void> {
  const n = d.networks.get(ref);
  if (n.predefined) throw new Forbidden(`${n.name} is a pre-defined network and cannot be removed`, 'MOORAGE_PREDEFINED_NETWORK');
  const active = membersOf(d, n.id);
  if (active.length) {
    throw new Forbidden(`error while removing network: network ${n.name} id ${n.id} has active endpoints (${active.map((m) => m.name).join(', ')})`, 'MOORAGE_NETWORK_IN_USE');
  }
  await drop(d, n);
}

async function drop(d: Engine, n: NetworkRecord): Promise<void> {
  await d.networks.delete(n.id);
  d.events.publish('network', 'destroy', n.id, { name: n.name, type: 'bridge' });
}

/** Removes every user network no container uses (filters: `label`, `until`). */
export async function pruneNetworks(d: Engine, filters?: string): Promise<{ NetworksDeleted: string[] }> {
  const f = parseFilters(filters, ['label', 'label!', 'until']);
  // Docker's forms (unix time, a date, a duration before now), and a clear 400 for others.
  const until = (f.get('until') ?? []).map((u) => parseTimestamp(u, 'until'));
  const deleted: string[] = [];
  for (const n of d.networks.all()) {
    if (n.predefined || containersOn(d, n.id).length) continue;
    if (f.has('label') && !matchLabels(f.get('label')!, n.labels)) continue;
    if (f.has('label!') && matchLabels(f.get('label!')!, n.labels)) continue;
    const created = BigInt(Date.parse(n.created)) * 1_000_000n;
    if (until.some((u) => created >= u)) continue;
    await drop(d, n);
    deleted.push(n.name);
  }
  return { NetworksDeleted: deleted };
}
