/**
 * What the engine tells about itself to any door (`/info`, CRI's `Status`): how many containers
 * in which state, images, the host's cgroups, the runtime and the settings clients need.
 * @module
 */
import type { Engine } from './engine.ts';

/** The engine's summary of itself. */
export function systemInfo(d: Engine) {
  const all = d.containers.all();
  const count = (s: string) => all.filter((c) => c.state.status === s).length;
  return {
    containers: { total: all.length, running: count('running'), paused: count('paused'), stopped: all.length - count('running') - count('paused') },
    images: d.images.all().length,
    cgroups: d.cgroups,
    runtime: { name: d.config.runtime, path: d.tasks.runtime.path },
    dataRoot: d.config.dataRoot,
    initPath: d.config.initPath,
    defaultStopTimeout: d.config.defaultStopTimeout,
  };
}
