/**
 * Puts an engine together: its directories, the host's cgroups and the runtime, the stores and
 * the embedded image, the predefined networks, the exit watcher, the reactions to exits, the
 * restore of the containers of its last life, and the clean-up of what a crash left of their
 * networks and volume mounts and of the creates and removals it cut short.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { cgroupRoot, detectCgroups, detectLimits } from '../runtime/cgroups.ts';
import { selectRuntime } from '../runtime/select.ts';
import { TaskRunner } from '../runtime/task.ts';
import type { EngineConfig } from './config.ts';
import { Engine } from './engine.ts';
import { ensureBusybox } from './images/busybox.ts';
import { collectGarbage } from './images/record.ts';
import { discardUnfinished } from './lifecycle/leftovers.ts';
import { registerExitReactions } from './lifecycle/reactions.ts';
import { restore } from './lifecycle/restore.ts';
import { ensurePredefined } from './networks/predefined.ts';
import { reconcileNetworks } from './networks/reconcile.ts';
import { reacquireVolumes } from './volumes/reacquire.ts';

/** Boots an engine with `config`. */
export async function bootEngine(config: EngineConfig, log?: Engine['log']): Promise<Engine> {
  const d = new Engine(config, log);
  await mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
  await mkdir(config.execRoot, { recursive: true, mode: 0o711 });
  d.cgroups = await detectCgroups();
  d.limits = await detectLimits(d.cgroups);
  d.tasks = new TaskRunner(await selectRuntime(config.runtime, config.execRoot, d.cgroups), await cgroupRoot(), config.cgroupParent, d.exits);
  await d.content.load();
  await d.layers.load();
  for (const bad of await d.images.load()) d.log.warn({ image: bad }, 'skipping unreadable image');
  await ensureBusybox(d);
  for (const bad of await d.networks.load()) d.log.warn({ network: bad }, 'skipping unreadable network');
  for (const bad of await d.volumes.load()) d.log.warn({ volume: bad }, 'skipping unreadable volume');
  const loaded = await d.containers.load();
  for (const f of loaded.unreadable) {
    d.log.error({ id: f.id, error: f.error }, 'skipping container with an unreadable checkpoint');
  }
  await discardUnfinished(d, loaded.unfinished);
  await collectGarbage(d); // layers and blobs an interrupted pull or load stored for no image
  await ensurePredefined(d);
  for (const c of d.containers.all()) await d.execs.load(c.id);
  await d.exits.start((err) => d.log.error({ err }, 'exit watcher failed'));
  registerExitReactions(d);
  // Before restore: its restarts at boot make new namespaces and mounts that must not be taken
  // for leftovers.
  await reacquireVolumes(d);
  await reconcileNetworks(d);
  await restore(d);
  return d;
}
