/**
 * `POST /containers/{id}/update`: new resource limits and restart policy. A running (or paused)
 * container gets its limits through the runtime at once; every container keeps them for its
 * next start.
 * @module
 */
import type { Container, RestartPolicy } from '../../container/container.ts';
import { Conflict, InvalidParameter } from '../../errors.ts';
import type { Engine } from '../engine.ts';
import { taskOf } from './kill.ts';
import { checkResources, ociResources, resourcesOf, RESOURCE_FIELDS, type Resources } from './resources.ts';
import { validatePolicy } from './restart-policy.ts';

/** The body of an update request: resource fields and a restart policy. */
export type UpdateBody = Partial<Record<keyof Resources, unknown>> & { RestartPolicy?: Partial<RestartPolicy> } & Record<string, unknown>;

/** Applies an update; resolves Docker's `{Warnings}`. */
export async function updateContainer(d: Engine, c: Container, body: UpdateBody): Promise<{ Warnings: string[] }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidParameter('the update must be a JSON object');
  if (c.state.data.RemovalInProgress || c.state.data.Dead) {
    throw new Conflict(`Container ${c.id} is marked for removal and cannot be "update"`);
  }
  const policy = body.RestartPolicy?.Name ? validatePolicy(body.RestartPolicy) : null;
  if (policy && c.hostConfig.AutoRemove && policy.Name !== 'no') {
    throw new InvalidParameter('Restart policy cannot be updated because AutoRemove is enabled for the container');
  }
  const current = resourcesOf(c.hostConfig);
  const asked = resourcesOf(changedFields(body), current);
  if (Number(body.Memory ?? 0) > 0 && !body.MemorySwap && current.MemorySwap > 0 && asked.Memory > current.MemorySwap) {
    throw new InvalidParameter('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
  }
  const { resources, warnings } = checkResources(asked, d.limits);
  const task = taskOf(d, c);
  if (task && c.state.running) {
    const oci = ociResources(resources);
    // Docker's "no limit" for pids is 0 or -1: the runtime must be told to lift the old one.
    if (resources.PidsLimit === null && current.PidsLimit !== null) oci.pids = { limit: -1 };
    await d.tasks.update(task, oci);
  }
  Object.assign(c.hostConfig, resources);
  if (policy) c.hostConfig.RestartPolicy = policy;
  await d.containers.checkpoint(c);
  d.emit(c, 'update');
  return { Warnings: warnings };
}

/**
 * The fields an update changes: as in Docker, a zero (or empty) value leaves a limit as it
 * was; only `PidsLimit` can be lifted (with 0 or -1).
 */
function changedFields(body: UpdateBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of RESOURCE_FIELDS) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (k !== 'PidsLimit' && (v === 0 || v === '')) continue;
    out[k] = v;
  }
  return out;
}
