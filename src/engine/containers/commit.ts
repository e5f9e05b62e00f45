/**
 * `POST /commit` (moby's `daemon/commit.go`): a new image of the container's image and one more
 * layer, its writable layer — overlay's whiteouts and opaque directories written as a layer's
 * `.wh.` files, the runtime's mount points left out — with the container's settings as its
 * defaults, under the request's config and Dockerfile-style changes. A running container is
 * paused while its layer is read unless asked not to be.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { Conflict } from '../../errors.ts';
import { applyChanges, mergeCommitConfig } from '../../image/changes.ts';
import type { ImageConfig } from '../../image/config.ts';
import type { ImageRecord } from '../../image/store.ts';
import { readTree } from '../../snapshots/packer.ts';
import { treeTar } from '../../snapshots/tree-tar.ts';
import type { KnownConfig } from '../../wire/containers.ts';
import type { Engine } from '../engine.ts';
import { addLayerImage, newImageTags } from '../images/layer-image.ts';
import { getImage } from '../images/resolve.ts';
import { runtimeMountPoints } from './changes.ts';
import { pauseContainer, unpauseContainer } from './pause.ts';
import { leaseRootfs } from './rootfs-lease.ts';

/** A commit's parameters, as `POST /commit` carries them. */
export interface CommitOptions {
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  /** Freeze a running container while its layer is read (Docker's default). */
  pause: boolean;
  changes: string[];
  /** The request body: config fields that win over the container's. */
  config?: Partial<Pick<KnownConfig, 'Env' | 'WorkingDir' | 'User' | 'Labels' | 'StopSignal' | 'ExposedPorts' | 'Volumes'>> & { Cmd?: string[] | string | null; Entrypoint?: string[] | string | null };
}

/** Commits the container's writable layer as a new image; publishes the container's `commit`. */
export async function commitContainer(d: Engine, c: Container, o: CommitOptions): Promise<ImageRecord> {
  if (c.state.data.Dead) throw new Conflict(`You cannot commit container ${c.id} which is Dead`);
  const tags = newImageTags(o.repo, o.tag);
  const defaults = mergeCommitConfig(applyChanges(imageDefaults(o.config), o.changes), imageDefaults(c.record.Config));
  const parent = getImage(d, c.record.Image);
  const skip = await runtimeMountPoints(c);
  const lease = await leaseRootfs(d, c, { mount: false });
  const paused = o.pause && c.state.running && !c.state.data.Paused
    ? await pauseContainer(d, c).then(() => true, () => false) // it exited meanwhile: nothing to freeze
    : false;
  try {
    const records = readTree(c.upperDir, '.', 'pack', { beneath: true, signal: lease.signal });
    const layer = treeTar(records, (p) => (p === '' || skip.has(p) ? null : p), { whiteouts: true });
    const img = await addLayerImage(d, layer, {
      tags, defaults, parent, comment: o.comment ?? '', author: o.author,
      createdBy: [...(c.record.Config.Entrypoint ?? []), ...(c.record.Config.Cmd ?? [])].join(' '),
      extra: { container: c.id, container_config: { ...c.record.Config } },
      emptyLayer: 'omit',
    });
    d.emit(c, 'commit', { comment: o.comment ?? '', imageID: img.Id, imageRef: img.RepoTags[0] ?? '' });
    return img;
  } finally {
    if (paused && c.state.data.Paused) await unpauseContainer(d, c).catch((err: Error) => d.log.warn({ err, id: c.id }, 'unpausing after a commit failed'));
    await lease.release();
  }
}

/** Config fields as image defaults: the request body's (an empty body sets nothing) or the container's. */
function imageDefaults(cfg: CommitOptions['config'] = {}): ImageConfig {
  const list = (v: string[] | string | null | undefined) => (typeof v === 'string' ? [v] : v ?? null);
  return {
    Cmd: list(cfg.Cmd), Entrypoint: list(cfg.Entrypoint), Env: cfg.Env ?? [], WorkingDir: cfg.WorkingDir ?? '', User: cfg.User ?? '',
    Labels: cfg.Labels ?? {},
    ...(cfg.StopSignal ? { StopSignal: cfg.StopSignal } : {}),
    ...(cfg.ExposedPorts ? { ExposedPorts: cfg.ExposedPorts } : {}),
    ...(cfg.Volumes ? { Volumes: cfg.Volumes } : {}),
  };
}
