/**
 * Docker's wire shapes, built from the engine's views: inspect (`ContainerJSON`), list
 * (`ContainerSummary`), and the image equivalents. Extra moorage fields (`State.LastStop`) ride
 * along; Docker clients ignore them. The types are the ones the SDK reads (src/wire/).
 * @module
 */
import type { ContainerView } from '../../engine/containers/view.ts';
import type { ImageView } from '../../engine/images/view.ts';
import type { ContainerInspect, ContainerSummary, EndpointSettings, MountPoint, NetworkSettings, PortBinding, PortSummary } from '../../wire/containers.ts';
import type { ImageInspect, ImageSummary } from '../../wire/images.ts';
import { compareVersions } from './version.ts';

/** `GET /containers/{id}/json`, shaped for the client's API version. */
export function containerInspect(v: ContainerView, version: string): ContainerInspect {
  const r = v.record;
  const { HasBeenManuallyStopped: _m, RemovalInProgress: _r, ...state } = v.state;
  return {
    Id: r.Id,
    Created: r.Created,
    Path: r.Path,
    Args: r.Args,
    State: { Status: v.status, ...state, LastStop: r.LastStop ?? undefined },
    Image: r.Image,
    ResolvConfPath: v.files.resolvConf,
    HostnamePath: v.files.hostname,
    HostsPath: v.files.hosts,
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
    NetworkSettings: networkSettings(v, version),
  };
}

const running = (v: ContainerView) => v.state.Running || v.state.Paused || v.state.Restarting;

/** `Networks`: one EndpointSettings per network (Docker's `EndpointSettings`). */
function endpointSettings(v: ContainerView, version: string): Record<string, EndpointSettings> {
  const out: Record<string, EndpointSettings> = {};
  const shortId = v.record.Id.slice(0, 12);
  for (const e of v.endpoints) {
    const ep = e.endpoint;
    const a = ep.active;
    let aliases: string[] | null = ep.aliases.length ? [...ep.aliases] : null;
    // Below 1.45 a user network's aliases include the short ID and hostname (moby stores them so
    // for old clients); compose 1.29 reconnects every container at start if the short ID is missing.
    if (!e.predefined && compareVersions(version, '1.45') < 0) {
      aliases = [...new Set([...(aliases ?? []), shortId, v.record.Config.Hostname])];
    }
    out[e.name] = {
      IPAMConfig: ep.ipv4Address ? { IPv4Address: ep.ipv4Address } : null,
      Links: ep.links, Aliases: aliases, MacAddress: a?.mac ?? ep.macAddress ?? '', DriverOpts: null,
      NetworkID: e.networkId, EndpointID: a?.endpointId ?? '', Gateway: a?.gateway ?? '', IPAddress: a?.ip ?? '',
      IPPrefixLen: a?.prefixLen ?? 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
      ...(compareVersions(version, '1.44') >= 0 ? { DNSNames: e.dnsNames.length ? e.dnsNames : null } : {}),
    };
  }
  return out;
}

/** `NetworkSettings.Ports`: every exposed or published port, with its bindings while running. */
function portMap(v: ContainerView): Record<string, PortBinding[] | null> {
  if (!running(v)) return {};
  const keys = new Set([...Object.keys(v.record.Config.ExposedPorts ?? {}), ...Object.keys(v.record.HostConfig.PortBindings ?? {})]
    .map((k) => (k.includes('/') ? k : `${k}/tcp`)));
  const out: Record<string, PortBinding[] | null> = {};
  for (const p of v.ports) keys.add(`${p.containerPort}/${p.protocol}`);
  for (const k of [...keys].sort()) {
    const list = v.ports.filter((p) => `${p.containerPort}/${p.protocol}` === k)
      .map((p) => ({ HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) }));
    out[k] = list.length ? list : null;
  }
  return out;
}

function networkSettings(v: ContainerView, version: string): NetworkSettings {
  const networks = endpointSettings(v, version);
  const bridge = v.endpoints.find((e) => e.name === 'bridge' && e.predefined) ? networks.bridge : undefined;
  return {
    Bridge: '', SandboxID: v.sandboxKey ? v.record.Id : '', SandboxKey: v.sandboxKey, HairpinMode: false,
    LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, Ports: portMap(v), SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
    EndpointID: bridge?.EndpointID ?? '', Gateway: bridge?.Gateway ?? '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    IPAddress: bridge?.IPAddress ?? '', IPPrefixLen: bridge?.IPPrefixLen ?? 0, IPv6Gateway: '', MacAddress: bridge?.MacAddress ?? '',
    Networks: networks,
  };
}

/** `Ports` of a listing: published ports with their host side, exposed ones without. */
function portSummaries(v: ContainerView): PortSummary[] {
  const out: PortSummary[] = [];
  for (const [k, list] of Object.entries(portMap(v))) {
    const [port, proto] = k.split('/') as [string, PortSummary['Type']];
    if (!list) out.push({ PrivatePort: Number(port), Type: proto });
    for (const b of list ?? []) out.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: proto });
  }
  return out;
}

/** One element of `GET /containers/json`. */
export function containerSummary(v: ContainerView, version: string): ContainerSummary {
  const r = v.record;
  return {
    Id: r.Id,
    Names: [r.Name],
    Image: r.Config.Image,
    ImageID: r.Image,
    Command: [r.Path, ...r.Args].map(quoteArg).join(' '),
    Created: Math.floor(Date.parse(r.Created) / 1000),
    Ports: portSummaries(v),
    Labels: r.Config.Labels,
    State: v.status,
    Status: v.statusText,
    HostConfig: { NetworkMode: r.HostConfig.NetworkMode },
    NetworkSettings: { Networks: endpointSettings(v, version) },
    Mounts: mounts(v),
  };
}

/** `Mounts` as Docker shows them (`--tmpfs` mounts are not listed; `--mount type=tmpfs` ones are). */
function mounts(v: ContainerView): MountPoint[] {
  const fromTmpfsMap = new Set(Object.keys(v.record.HostConfig.Tmpfs ?? {}));
  return v.mounts.filter((m) => !(m.type === 'tmpfs' && fromTmpfsMap.has(m.target))).map((m) => {
    if (m.type === 'volume') {
      return { Type: 'volume', Name: m.source, Source: m.hostPath, Destination: m.target, Driver: 'local', Mode: m.mode || 'z', RW: !m.readonly, Propagation: '' };
    }
    if (m.type === 'tmpfs') return { Type: 'tmpfs', Source: '', Destination: m.target, Mode: '', RW: !m.readonly, Propagation: '' };
    return { Type: 'bind', Source: m.source, Destination: m.target, Mode: m.mode, RW: !m.readonly, Propagation: m.propagation || 'rprivate' };
  });
}

function quoteArg(a: string): string {
  return /[\s"']/.test(a) ? JSON.stringify(a) : a;
}

/** One element of `GET /images/json`. */
export function imageSummary(v: ImageView): ImageSummary {
  const img = v.record;
  return {
    Id: img.Id,
    ParentId: img.Parent ?? '',
    RepoTags: img.RepoTags,
    RepoDigests: img.RepoDigests,
    Created: Math.floor(Date.parse(img.Created) / 1000),
    Size: img.Size,
    SharedSize: -1,
    Labels: img.Config.Labels,
    Containers: v.containers,
  };
}

/** `GET /images/{name}/json`; below API 1.45 with moby's `ContainerConfig` and `Container` (compose 1.29 reads them). */
export function imageInspect(v: ImageView, version: string): ImageInspect {
  const img = v.record;
  const c = img.config;
  const config = { Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    Tty: false, OpenStdin: false, StdinOnce: false, Env: null, Cmd: null, Image: '', Volumes: null, WorkingDir: '',
    Entrypoint: null, OnBuild: null, Labels: null, ...c.config };
  return {
    Id: img.Id,
    RepoTags: img.RepoTags,
    RepoDigests: img.RepoDigests,
    Parent: img.Parent ?? '',
    Comment: img.Comment,
    Created: img.Created,
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: config,
    Architecture: c.architecture,
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os,
    Size: img.Size,
    GraphDriver: { Name: 'overlay', Data: v.layers },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: img.LastTagTime },
    ...(compareVersions(version, '1.45') < 0 ? { Container: typeof c.container === 'string' ? c.container : '', ContainerConfig: { ...config, ...c.container_config } } : {}),
  };
}
