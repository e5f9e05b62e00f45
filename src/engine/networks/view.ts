/**
 * What the engine shows of networks: each record with the containers on it (their active
 * endpoints), looked up by ID, name or prefix, and listed with Docker's filters.
 * @module
 */
import { InvalidParameter } from '../../errors.ts';
import { matchLabels, parseFilters } from '../../events/filters.ts';
import type { NetworkRecord } from '../../network/types.ts';
import type { Engine } from '../engine.ts';

/** A container on a network, as network inspect lists it. */
export interface NetworkMember {
  id: string;
  name: string;
  endpointId: string;
  mac: string;
  ip: string;
  prefixLen: number;
}

/** A network as the doors see it. */
export interface NetworkView {
  record: NetworkRecord;
  members: NetworkMember[];
}

/** The containers with an active endpoint on a network. */
export function membersOf(d: Engine, networkId: string): NetworkMember[] {
  const out: NetworkMember[] = [];
  for (const c of d.containers.all()) {
    for (const ep of Object.values(c.record.Network?.endpoints ?? {})) {
      if (ep.networkId !== networkId || !ep.active) continue;
      out.push({ id: c.id, name: c.name, endpointId: ep.active.endpointId, mac: ep.active.mac, ip: ep.active.ip, prefixLen: ep.active.prefixLen });
    }
  }
  return out;
}

/** Containers of any state that have an endpoint on a network. */
export function containersOn(d: Engine, networkId: string): string[] {
  return d.containers.all().filter((c) => Object.values(c.record.Network?.endpoints ?? {}).some((ep) => ep.networkId === networkId)).map((c) => c.id);
}

/** One network by ID, name or prefix (404 `network X not found`). */
export function networkView(d: Engine, ref: string): NetworkView {
  const record = d.networks.get(ref);
  return { record, members: membersOf(d, record.id) };
}

/** Filter keys a network listing accepts. */
const FILTERS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'];

/** Every network passing the filters, by name. */
export function listNetworks(d: Engine, filters?: string): NetworkView[] {
  const f = parseFilters(filters, FILTERS);
  const driverName = (n: NetworkRecord) => n.driver;
  const out = d.networks.all().filter((n) => {
    if (f.has('name') && !f.get('name')!.some((v) => n.name.includes(v))) return false;
    if (f.has('id') && !f.get('id')!.some((v) => n.id.startsWith(v))) return false;
    if (f.has('driver') && !f.get('driver')!.includes(driverName(n))) return false;
    if (f.has('label') && !matchLabels(f.get('label')!, n.labels)) return false;
    if (f.has('scope') && !f.get('scope')!.includes('local')) return false;
    if (f.has('type')) {
      for (const t of f.get('type')!) if (t !== 'custom' && t !== 'builtin') throw new InvalidParameter(`invalid filter: 'type'='${t}'`);
      if (!f.get('type')!.includes(n.predefined ? 'builtin' : 'custom')) return false;
    }
    if (f.has('dangling')) {
      const want = f.get('dangling')![0];
      if (want !== 'true' && want !== 'false' && want !== '1' && want !== '0') throw new InvalidParameter(`invalid filter 'dangling=${want}'`);
      const dangling = !n.predefined && !containersOn(d, n.id).length;
      if (dangling !== (want === 'true' || want === '1')) return false;
    }
    return true;
  });
  return out.sort((a, b) => a.name.localeCompare(b.name)).map((record) => ({ record, members: membersOf(d, record.id) }));
}
