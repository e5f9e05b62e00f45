/**
 * A container's files for an archive operation (`docker cp`, `export`, `diff`), on a running or
 * a stopped container, without racing its start or its removal and without holding anything
 * that a slow client could keep: an operation takes a lease instead of a lock.
 *
 * A lease that needs the rootfs mounts it if no run has (mounts are serialised per container,
 * with the start's), then holds an open descriptor of the mounted directory for its whole
 * length; the helpers open the rootfs through that descriptor, so every step of one operation
 * sees the same mount even if the container exits meanwhile and its monitor lazily unmounts it.
 * The last lease out unmounts a rootfs that no run needs, as a teardown the next start waits
 * for. Removal aborts the leases and waits (bounded) for them to let go before it unmounts and
 * deletes; a start that finds the rootfs unmounted under a lease (the lazy unmount above) ends
 * that lease first, so two mounts of one writable layer never coexist.
 * @module
 */
import { constants } from 'node:fs';
import { open, statfs, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container } from '../../container/container.ts';
import { Conflict, NotFound, SystemError } from '../../errors.ts';
import { isMounted, mountOverlay, unmountOverlay, type OverlayDirs } from '../../snapshots/overlay.ts';
import type { Engine } from '../engine.ts';
import type { RootfsUse } from '../lifecycle/inflight.ts';
import { containerOverlay } from '../images/rootfs.ts';

/** overlayfs' magic number (statfs f_type). */
const OVERLAYFS_MAGIC = 0x794c7630;
/** How long removal waits for aborted leases to let go before it goes on. */
const LEASE_END_WAIT_MS = 5_000;
/** Tries at holding the mount when the container's exit unmounts it under the lease. */
const HOLD_TRIES = 3;

/** An archive operation's hold on a container's files. */
export interface RootfsLease {
  /** The rootfs as a path the helpers open: the engine's own descriptor of the mount ('' without a mount). */
  readonly root: string;
  /** Fires when the lease is ended from outside (the container is being removed). */
  readonly signal: AbortSignal;
  /** Lets go; the last lease out unmounts a rootfs no run needs. */
  release(): Promise<void>;
}

/** The overlay of a container: its image's layers below, its writable layer above. */
export function overlayOf(d: Engine, c: Container): OverlayDirs {
  return containerOverlay(d, c);
}

/**
 * Mounts the container's rootfs unless it is mounted, after the last run's teardown; one mount
 * at a time per container (a start's and the leases').
 */
export function mountRootfs(d: Engine, c: Container): Promise<void> {
  const prev = d.inflight.mounts.get(c.id);
  const next = (async () => {
    await prev?.catch(() => {});
    await d.inflight.tornDown(c.id);
    if (await isMounted(c.rootfsDir)) return;
    // Leases holding a mount that is no longer there hold a lazily unmounted one: a second
    // mount of the same writable layer beside it is undefined behaviour in overlayfs.
    await endLeases(d, c, (u) => u.holding);
    await mountOverlay(overlayOf(d, c));
  })();
  d.inflight.mounts.set(c.id, next);
  void next.finally(() => { if (d.inflight.mounts.get(c.id) === next) d.inflight.mounts.delete(c.id); }).catch(() => {});
  return next;
}

/**
 * Takes a lease on the container's files; `mount`: the operation reads or writes its rootfs
 * (not only its writable layer). Refused while the container is being removed.
 */
export async function leaseRootfs(d: Engine, c: Container, opts: { mount: boolean }): Promise<RootfsLease> {
  if (c.state.data.RemovalInProgress) throw new Conflict(`container ${c.name} is being removed`);
  const abort = new AbortController();
  let letGo!: () => void;
  const use: RootfsUse = { abort, holding: false, done: new Promise<void>((resolve) => { letGo = resolve; }) };
  let uses = d.inflight.rootfsUses.get(c.id);
  if (!uses) d.inflight.rootfsUses.set(c.id, (uses = new Set()));
  uses.add(use);
  let handle: FileHandle | null = null;
  const release = async () => {
    await handle?.close().catch(() => {});
    handle = null;
    uses.delete(use);
    if (!uses.size && d.inflight.rootfsUses.get(c.id) === uses) {
      d.inflight.rootfsUses.delete(c.id);
      unmountWhenIdle(d, c);
    }
    letGo();
  };
  try {
    if (opts.mount) {
      handle = await holdMount(d, c);
      use.holding = true;
    }
    // Ended while it was being taken (a removal began meanwhile).
    if (abort.signal.aborted) throw abort.signal.reason;
  } catch (err) {
    await release();
    throw err;
  }
  const root = handle ? `/proc/${process.pid}/fd/${handle.fd}` : '';
  return { root, signal: abort.signal, release };
}

/** An open descriptor of the mounted rootfs, mounting it when needed. */
async function holdMount(d: Engine, c: Container): Promise<FileHandle> {
  for (let tries = 1; ; tries++) {
    await mountRootfs(d, c);
    let fh: FileHandle;
    try {
      fh = await open(c.rootfsDir, constants.O_RDONLY | constants.O_DIRECTORY);
    } catch (err) {
      // The container's directory went away: it was removed.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFound(`No such container: ${c.id}`, 'MOORAGE_NO_SUCH_CONTAINER');
      throw err;
    }
    // The mount can go between the two steps (the container exited and its monitor unmounted
    // it): then the descriptor is of the bare mount point, and the mount is made again.
    if ((await statfs(`/proc/self/fd/${fh.fd}`)).type === OVERLAYFS_MAGIC) return fh;
    await fh.close();
    if (tries === HOLD_TRIES) throw new SystemError(`the rootfs of container ${c.name} could not be kept mounted`);
  }
}

/** Registers the unmount of a rootfs no run and no lease needs, as a teardown the next start waits for. */
function unmountWhenIdle(d: Engine, c: Container): void {
  const idle = () => !c.record.Task && !d.inflight.starts.has(c.id) && !d.inflight.rootfsUses.has(c.id) && !c.state.data.RemovalInProgress;
  if (!idle()) return;
  const prev = d.inflight.teardowns.get(c.id);
  d.inflight.teardowns.set(c.id, (async () => {
    await prev;
    if (idle()) await unmountOverlay(c.rootfsDir).catch((err: Error) => d.log.warn({ err, id: c.id }, 'unmount after an archive operation failed'));
  })());
}

/** Aborts the container's leases (those `which` picks) and waits, bounded, for them to let go. */
export async function endLeases(d: Engine, c: Container, which: (u: RootfsUse) => boolean = () => true): Promise<void> {
  const ending = [...d.inflight.rootfsUses.get(c.id) ?? []].filter(which);
  if (!ending.length) return;
  for (const u of ending) u.abort.abort(new Conflict(`container ${c.name} is being removed or restarted`));
  await Promise.race([Promise.all(ending.map((u) => u.done)), sleep(LEASE_END_WAIT_MS, undefined, { ref: false })]);
}
