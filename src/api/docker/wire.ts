/**
 * Docker's wire shapes, built from the engine's views: inspect (`ContainerJSON`), list
 * (`ContainerSummary`), and the image equivalents. Extra moorage fields (`State.LastStop`) ride
 * along; Docker clients ignore them. The types are the ones the SDK reads (src/wire/).
 * @module
 */
import type { ContainerView } from '../../engine/containers/view.ts';
import type { ImageView } from '../../engine/images/view.ts';
import type { ContainerInspect, ContainerSummary, MountPoint } from '../../wire/containers.ts';
import type { ImageInspect, ImageSummary } from '../../wire/images.ts';

/** `GET /containers/{id}/json`. */
export function containerInspect(v: ContainerView): ContainerInspect {
  const r = v.record;
  const { HasBeenManuallyStopped: _m, RemovalInProgress: _r, ...state } = v.state;
  return {
    Id: r.Id,
    Created: r.Created,
    Path: r.Path,
    Args: r.Args,
    State: { Status: v.status, ...state, LastStop: r.LastStop ?? undefined },
    Image: r.Image,
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    LogPath: v.logPath,
    Name: r.Name,
    RestartCount: r.RestartCount,
    Driver: 'overlay',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: v.execIds.length ? v.execIds : null,
    HostConfig: r.HostConfig,
    GraphDriver: {
      Name: 'overlay',
      Data: { LowerDir: v.layers.lower, UpperDir: v.layers.upper, WorkDir: v.layers.work, MergedDir: v.layers.merged },
    },
    Mounts: mounts(v),
    Config: r.Config,
    NetworkSettings: { Bridge: '', SandboxID: '', Ports: {}, Networks: {} },
  };
}

/** One element of `GET /containers/json`. */
export function containerSummary(v: ContainerView): ContainerSummary {
  const r = v.record;
  return {
    Id: r.Id,
    Names: [r.Name],
    Image: r.Config.Image,
    ImageID: r.Image,
    Command: [r.Path, ...r.Args].map(quoteArg).join(' '),
    Created: Math.floor(Date.parse(r.Created) / 1000),
    Ports: [],
    Labels: r.Config.Labels,
    State: v.status,
    Status: v.statusText,
    HostConfig: { NetworkMode: r.HostConfig.NetworkMode },
    NetworkSettings: { Networks: {} },
    Mounts: mounts(v),
  };
}

function mounts(v: ContainerView): MountPoint[] {
  return v.binds.map((b) => ({ Type: 'bind', Source: b.source, Destination: b.destination, Mode: b.readonly ? 'ro' : '', RW: !b.readonly, Propagation: 'rprivate' }));
}

function quoteArg(a: string): string {
  return /[\s"']/.test(a) ? JSON.stringify(a) : a;
}

/** One element of `GET /images/json`. */
export function imageSummary(v: ImageView): ImageSummary {
  const img = v.record;
  return {
    Id: img.Id,
    ParentId: '',
    RepoTags: img.RepoTags,
    RepoDigests: [],
    Created: Math.floor(Date.parse(img.Created) / 1000),
    Size: img.Size,
    SharedSize: -1,
    Labels: img.Config.Labels,
    Containers: v.containers,
  };
}

/** `GET /images/{name}/json`. */
export function imageInspect(v: ImageView): ImageInspect {
  const img = v.record;
  return {
    Id: img.Id,
    RepoTags: img.RepoTags,
    RepoDigests: [],
    Parent: '',
    Comment: img.Comment,
    Created: img.Created,
    DockerVersion: '',
    Author: '',
    Config: { ...img.Config },
    Architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    Os: 'linux',
    Size: img.Size,
    GraphDriver: { Name: 'overlay', Data: {} },
    RootFS: { Type: 'layers', Layers: [img.Id] },
    Metadata: { LastTagTime: img.Created },
  };
}
