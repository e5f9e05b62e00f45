/**
 * The volume operations of the API: create, inspect, list (with Docker's filters), remove (409
 * while a container uses it) and prune (anonymous volumes only, unless `all=true`, as moby ≥ 23).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { InvalidParameter } from '../../errors.ts';
import { matchLabels, parseFilters } from '../../events/filters.ts';
import { validateLocalOptions } from '../../volumes/local-options.ts';
import type { VolumeRecord } from '../../volumes/types.ts';
import type { VolumeCreateRequest } from '../../wire/volumes.ts';
import type { Engine } from '../engine.ts';
import { ANONYMOUS_LABEL, usersOf } from './mounts.ts';

/** A volume as the doors see it. */
export interface VolumeView {
  record: VolumeRecord;
  mountpoint: string;
}

const view = (d: Engine, record: VolumeRecord): VolumeView => ({ record, mountpoint: d.volumes.dataPath(record.name) });

/** Creates a volume (an existing name answers with that volume) and publishes `create`. */
export async function createVolume(d: Engine, body: VolumeCreateRequest): Promise<VolumeView> {
  const name = body?.Name || randomBytes(32).toString('hex');
  const driver = body?.Driver || 'local';
  if (driver !== 'local') throw new InvalidParameter(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
  const existing = d.volumes.find(name);
  if (existing) return view(d, existing);
  const options = { ...(body?.DriverOpts ?? {}) };
  validateLocalOptions(name, options);
  const labels = { ...(body?.Labels ?? {}) };
  if (!body?.Name) labels[ANONYMOUS_LABEL] ??= '';
  const rec = await d.volumes.create({ name, driver: 'local', createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), labels, options });
  d.events.publish('volume', 'create', name, { driver: 'local' });
  return view(d, rec);
}

/** One volume (404 `get X: no such volume`). */
export function inspectVolume(d: Engine, name: string): VolumeView {
  return view(d, d.volumes.get(name));
}

/** Every volume passing the filters (`dangling`, `name`, `label`, `driver`). */
export function listVolumes(d: Engine, filters?: string): VolumeView[] {
  const f = parseFilters(filters, ['dangling', 'name', 'label', 'driver']);
  return d.volumes.all().filter((v) => {
    if (f.has('name') && !f.get('name')!.some((n) => v.name.includes(n))) return false;
    if (f.has('driver') && !f.get('driver')!.includes(v.driver)) return false;
    if (f.has('label') && !matchLabels(f.get('label')!, v.labels)) return false;
    if (f.has('dangling')) {
      const want = f.get('dangling')![0];
      if (!['true', 'false', '1', '0'].includes(want ?? '')) throw new InvalidParameter(`invalid filter 'dangling=${want}'`);
      if (!usersOf(d, v.name).length !== (want === 'true' || want === '1')) return false;
    }
    return true;
  }).sort((a, b) => a.name.localeCompare(b.name)).map((r) => view(d, r));
}

/** Removes a volume; one any container (running or not) mounts is a 409, forced or not (moby). */
export async function removeVolume(d: Engine, name: string): Promise<void> {
  await d.volumes.remove(name, usersOf(d, name));
  d.events.publish('volume', 'destroy', name, { driver: 'local' });
}

/** Removes unused volumes: anonymous ones, or all with `all=true` or `allByDefault` (a client before API 1.42); `label` filters. */
export async function pruneVolumes(d: Engine, filters?: string, allByDefault = false): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
  const f = parseFilters(filters, ['label', 'label!', 'all']);
  const all = allByDefault || ['true', '1'].includes(f.get('all')?.[0] ?? '');
  const deleted: string[] = [];
  for (const v of d.volumes.all()) {
    if (usersOf(d, v.name).length) continue;
    if (!all && !Object.hasOwn(v.labels, ANONYMOUS_LABEL)) continue;
    if (f.has('label') && !matchLabels(f.get('label')!, v.labels)) continue;
    if (f.has('label!') && matchLabels(f.get('label!')!, v.labels)) continue;
    await removeVolume(d, v.name);
    deleted.push(v.name);
  }
  return { VolumesDeleted: deleted, SpaceReclaimed: 0 };
}
