/**
 * What the engine shows of a container to its front doors: the record, the state with its
 * status, the human status, the mounts and the paths of its layers. The doors shape it for their
 * protocol (Docker's inspect and list, CRI's status); none of them reads the model directly.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { parseBind, type Bind } from '../../container/binds.ts';
import { statusString } from '../../container/status-string.ts';
import type { Engine } from '../engine.ts';

/** A container as the doors see it. */
export function containerView(d: Engine, c: Container, now = Date.now()) {
  const img = d.images.find(c.record.Image);
  return {
    record: c.record,
    state: c.state.data,
    status: c.state.status,
    /** Docker's Status column (`Up 3 seconds`). */
    statusText: statusString(c.state.data, now),
    logPath: c.logPath,
    layers: { lower: img ? d.images.rootfs(img) : '', upper: c.upperDir, work: c.workDir, merged: c.rootfsDir },
    binds: (c.record.HostConfig.Binds ?? []).map((spec): Bind => parseBind(spec)),
    /** Its exec instances that still run (Docker's `ExecIDs`). */
    execIds: d.execs.of(c.id).filter((e) => e.Running).map((e) => e.ID),
  };
}

/** A container view. */
export type ContainerView = ReturnType<typeof containerView>;

/** Finds a container by full ID, name or unique ID prefix (moby's lookup); 404 otherwise. */
export function getContainer(d: Engine, ref: string): Container {
  return d.containers.get(ref);
}
