/**
 * Puts an engine together: its directories, the host's cgroups and the runtime, the stores and
 * the embedded image, the exit watcher, the reactions to exits, and the restore of the
 * containers of its last life.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { cgroupRoot, detectCgroups, detectLimits } from '../runtime/cgroups.ts';
import { selectRuntime } from '../runtime/select.ts';
import { TaskRunner } from '../runtime/task.ts';
import type { EngineConfig } from './config.ts';
import { Engine } from './engine.ts';
import { ensureBusybox } from './images/busybox.ts';
import { registerExitReactions } from './lifecycle/reactions.ts';
import { restore } from './lifecycle/restore.ts';

/** Boots an engine with `config`. */
export async function bootEngine(config: EngineConfig, log?: Engine['log']): Promise<Engine> {
  const d = new Engine(config, log);
  await mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
  await mkdir(config.execRoot, { recursive: true, mode: 0o711 });
  d.cgroups = await detectCgroups();
  d.limits = await detectLimits(d.cgroups);
  d.tasks = new TaskRunner(await selectRuntime(config.runtime, config.execRoot, d.cgroups), await cgroupRoot(), config.cgroupParent, d.exits);
  for (const bad of await d.images.load()) d.log.warn({ image: bad }, 'skipping unreadable image');
  await ensureBusybox(d.images);
  for (const f of await d.containers.load()) {
    d.log.error({ id: f.id, error: f.error }, 'skipping container with an unreadable checkpoint');
  }
  for (const c of d.containers.all()) await d.execs.load(c.id);
  await d.exits.start((err) => d.log.error({ err }, 'exit watcher failed'));
  registerExitReactions(d);
  await restore(d);
  return d;
}
