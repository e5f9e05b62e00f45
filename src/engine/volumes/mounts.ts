/**
 * A container's mounts through its life: resolved at create (named volumes made when missing,
 * anonymous ones for `-v /path`, `--mount type=volume` without a source and the image's
 * `Volumes`), made available at start (volumes acquired and filled from the image on first use,
 * bind sources checked or made, tmpfs options), released when the run ends, and anonymous
 * volumes removed with the container by `rm -v`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import type { Container, MountRecord } from '../../container/container.ts';
import { collectMounts, type DockerMount } from '../../container/mounts.ts';
import { InvalidParameter } from '../../errors.ts';
import type { BindMount, TmpfsMount } from '../../runtime/bundle.ts';
import { copyUp } from '../../volumes/copy-up.ts';
import { validateLocalOptions } from '../../volumes/local-options.ts';
import type { Engine } from '../engine.ts';

/** Docker's label on anonymous volumes (moby ≥ 23). */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** Parses and validates a create request's mounts, and adds the image's volumes; makes nothing. */
export function planMounts(hc: { Binds?: string[] | null; Mounts?: DockerMount[] | null; Tmpfs?: Record<string, string> | null },
  imageVolumes: string[], configVolumes: string[]): MountRecord[] {
  const out: MountRecord[] = collectMounts(hc).map((m) => ({ ...m, anonymous: m.type === 'volume' && !m.source }));
  for (const target of [...new Set([...imageVolumes, ...configVolumes])]) {
    if (!target.startsWith('/')) throw new InvalidParameter(`invalid volume specification: '${target}': the mount path must be absolute`);
    if (out.some((m) => m.target === target.replace(/\/+$/, '') || m.target === target)) continue;
    out.push({
      type: 'volume', source: '', target, readonly: false, copyData: true, propagation: '', tmpfsOptions: [],
      createSource: false, mode: '', anonymous: true,
    });
  }
  for (const m of out) {
    if (m.type === 'volume' && m.volumeOptions) validateLocalOptions(m.source || 'anonymous', m.volumeOptions);
  }
  return out;
}

/**
 * Gives the plan's anonymous volumes their random names, and returns the names of the volumes
 * it needs that do not exist yet: what {@link createPlannedVolumes} is about to make.
 */
export function nameVolumes(d: Engine, plan: MountRecord[]): string[] {
  const missing: string[] = [];
  for (const m of plan) {
    if (m.type !== 'volume') continue;
    if (m.anonymous && !m.source) m.source = randomBytes(32).toString('hex');
    if (!d.volumes.find(m.source)) missing.push(m.source);
  }
  return missing;
}

/** Makes the volumes the plan names (anonymous ones get their random names). Returns what it made. */
export async function createPlannedVolumes(d: Engine, plan: MountRecord[]): Promise<string[]> {
  nameVolumes(d, plan);
  const made: string[] = [];
  try {
    for (const m of plan) {
      if (m.type !== 'volume') continue;
      if (d.volumes.find(m.source)) continue;
      const labels = m.anonymous ? { ...m.volumeLabels, [ANONYMOUS_LABEL]: '' } : { ...m.volumeLabels };
      await d.volumes.create({ name: m.source, driver: 'local', createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), labels, options: m.volumeOptions ?? {} });
      made.push(m.source);
      d.events.publish('volume', 'create', m.source, { driver: 'local' });
    }
  } catch (err) {
    await removeVolumes(d, made);
    throw err;
  }
  return made;
}

/** Removes volumes by name (those still used elsewhere stay). */
export async function removeVolumes(d: Engine, names: string[]): Promise<void> {
  for (const name of names) {
    if (!d.volumes.find(name) || usersOf(d, name).length) continue;
    await d.volumes.remove(name, []);
    d.events.publish('volume', 'destroy', name, { driver: 'local' });
  }
}

/** The container's mounts (older checkpoints: their Binds). */
export function mountsOf(c: Container): MountRecord[] {
  return c.record.Mounts ?? collectMounts({ Binds: c.hostConfig.Binds }).map((m) => ({ ...m, anonymous: false }));
}

/** IDs of the containers that mount a volume. */
export function usersOf(d: Engine, name: string): string[] {
  return d.containers.all().filter((c) => mountsOf(c).some((m) => m.type === 'volume' && m.source === name)).map((c) => c.id);
}

/**
 * The container's mounts for a start: volumes acquired (and filled from the image when new),
 * bind sources made or checked. On failure what was acquired is released.
 */
export async function mountsForStart(d: Engine, c: Container): Promise<{ binds: BindMount[]; tmpfs: TmpfsMount[] }> {
  const binds: BindMount[] = [];
  const tmpfs: TmpfsMount[] = [];
  try {
    for (const m of mountsOf(c)) {
      if (m.type === 'tmpfs') {
        tmpfs.push({ destination: m.target, options: m.tmpfsOptions });
      } else if (m.type === 'bind') {
        const exists = await stat(m.source).then(() => true, () => false);
        // Docker makes a missing source a directory; one that exists (a file too) is used as it is.
        if (m.createSource && !exists) await mkdir(m.source, { recursive: true });
        else if (!exists) {
          throw new InvalidParameter(`invalid mount config for type "bind": bind source path does not exist: ${m.source}`);
        }
        binds.push({ source: m.source, destination: m.target, readonly: m.readonly, propagation: m.propagation });
      } else {
        const path = await d.volumes.acquire(m.source, c.id);
        if (m.copyData) await copyUp(c.rootfsDir, m.target, path);
        binds.push({ source: path, destination: m.target, readonly: m.readonly });
      }
    }
  } catch (err) {
    await releaseMounts(d, c);
    throw err;
  }
  return { binds, tmpfs };
}

/** The run has ended: the container no longer holds its volumes. Never throws. */
export async function releaseMounts(d: Engine, c: Container): Promise<void> {
  for (const m of mountsOf(c)) {
    if (m.type !== 'volume') continue;
    await d.volumes.release(m.source, c.id).catch((err: Error) => d.log.warn({ err, id: c.id, volume: m.source }, 'releasing a volume failed'));
  }
}
