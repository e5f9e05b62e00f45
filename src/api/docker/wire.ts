/**
 * Docker's wire shapes for containers and images: inspect (`ContainerJSON`), list
 * (`ContainerSummary`), and the image equivalents. Extra moorage fields (`State.LastStop`) ride
 * along; Docker clients ignore them.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { statusString } from '../../container/status-string.ts';
import { parseBind } from '../../container/binds.ts';
import type { Engine } from '../../engine/engine.ts';
import type { ImageRecord } from '../../image/store.ts';

/** `GET /containers/{id}/json`. */
export function containerInspect(d: Engine, c: Container): Record<string, unknown> {
  const r = c.record;
  const img = d.images.find(r.Image);
  const { HasBeenManuallyStopped: _m, RemovalInProgress: _r, ...state } = c.state.data;
  return {
    Id: r.Id,
    Created: r.Created,
    Path: r.Path,
    Args: r.Args,
    State: { Status: c.state.status, ...state, LastStop: r.LastStop ?? undefined },
    Image: r.Image,
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    LogPath: c.logPath,
    Name: r.Name,
    RestartCount: r.RestartCount,
    Driver: 'overlay',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: r.HostConfig,
    GraphDriver: {
      Name: 'overlay',
      Data: { LowerDir: img ? d.images.rootfs(img) : '', UpperDir: c.upperDir, WorkDir: c.workDir, MergedDir: c.rootfsDir },
    },
    Mounts: mounts(c),
    Config: r.Config,
    NetworkSettings: { Bridge: '', SandboxID: '', Ports: {}, Networks: {} },
  };
}

/** One element of `GET /containers/json`. */
export function containerSummary(c: Container, now = Date.now()): Record<string, unknown> {
  const r = c.record;
  return {
    Id: r.Id,
    Names: [r.Name],
    Image: r.Config.Image,
    ImageID: r.Image,
    Command: [r.Path, ...r.Args].map(quoteArg).join(' '),
    Created: Math.floor(Date.parse(r.Created) / 1000),
    Ports: [],
    Labels: r.Config.Labels,
    State: c.state.status,
    Status: statusString(c.state.data, now),
    HostConfig: { NetworkMode: r.HostConfig.NetworkMode },
    NetworkSettings: { Networks: {} },
    Mounts: mounts(c),
  };
}

function mounts(c: Container): Record<string, unknown>[] {
  return (c.record.HostConfig.Binds ?? []).map((spec) => {
    const b = parseBind(spec);
    return { Type: 'bind', Source: b.source, Destination: b.destination, Mode: b.readonly ? 'ro' : '', RW: !b.readonly, Propagation: 'rprivate' };
  });
}

function quoteArg(a: string): string {
  return /[\s"']/.test(a) ? JSON.stringify(a) : a;
}

/** One element of `GET /images/json`. */
export function imageSummary(img: ImageRecord, containers: number): Record<string, unknown> {
  return {
    Id: img.Id,
    ParentId: '',
    RepoTags: img.RepoTags,
    RepoDigests: [],
    Created: Math.floor(Date.parse(img.Created) / 1000),
    Size: img.Size,
    SharedSize: -1,
    Labels: img.Config.Labels,
    Containers: containers,
  };
}

/** `GET /images/{name}/json`. */
export function imageInspect(img: ImageRecord): Record<string, unknown> {
  return {
    Id: img.Id,
    RepoTags: img.RepoTags,
    RepoDigests: [],
    Parent: '',
    Comment: img.Comment,
    Created: img.Created,
    DockerVersion: '',
    Author: '',
    Config: { ...img.Config, Labels: img.Config.Labels },
    Architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    Os: 'linux',
    Size: img.Size,
    GraphDriver: { Name: 'overlay', Data: {} },
    RootFS: { Type: 'layers', Layers: [img.Id] },
    Metadata: { LastTagTime: img.Created },
  };
}
