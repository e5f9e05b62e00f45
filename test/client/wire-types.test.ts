/**
 * The SDK's types against what the engine really sends. The SDK and the engine share one
 * definition of each answer (src/wire/); here real answers, fetched through the SDK, are checked
 * field by field against descriptors the compiler forces to name every field of those types.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MoorageClient } from '../../src/client/index.ts';
import type { ContainerInspect, ContainerStateJSON, ContainerSummary, EndpointSettings, ExecInspect, KnownConfig, KnownHostConfig, MountPoint, NetworkSettings } from '../../src/wire/containers.ts';
import type { NetworkContainer, NetworkInspect } from '../../src/wire/networks.ts';
import type { Volume } from '../../src/wire/volumes.ts';
import type { ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSummary } from '../../src/wire/images.ts';
import type { BlkioStatEntry, ContainerStats, ContainerTop, CpuStats, NetworkStats } from '../../src/wire/stats.ts';
import type { DiskUsageResponse, EventMessage, InfoResponse, VersionResponse } from '../../src/wire/system.ts';
import type { Diagnosis, ProcessDiagnosis, ProcessReport, StopReport } from '../../src/wire/stop.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'undefined';
/** A field's check: the JS kinds it may have, or the shape of the object (or of each array element) it holds. */
type Check = Kind[] | { shape: Record<string, Check>; each?: boolean; optional?: boolean };
/** A descriptor naming every field of T (optional ones too), so a field added to a type must be checked here. */
type Shape<T> = { [K in keyof T]-?: Check };

const kindOf = (v: unknown): Kind => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v as Kind);
const obj = <T>(shape: Shape<T>, more: { each?: boolean; optional?: boolean } = {}): Check => ({ shape: shape as Record<string, Check>, ...more });

function check(value: unknown, c: Check, path: string): void {
  if (Array.isArray(c)) {
    assert.ok(c.includes(kindOf(value)), `${path}: ${kindOf(value)} is not one of ${c.join('|')} (${JSON.stringify(value)})`);
    return;
  }
  if (value === undefined && c.optional) return;
  const items = c.each ? (assert.ok(Array.isArray(value), `${path}: not an array`), value as unknown[]) : [value];
  for (const [i, item] of items.entries()) {
    assert.equal(kindOf(item), 'object', `${path}${c.each ? `[${i}]` : ''}: not an object`);
    for (const [k, sub] of Object.entries(c.shape)) check((item as Record<string, unknown>)[k], sub, `${path}.${k}`);
  }
}

const S: Kind[] = ['string'];
const N: Kind[] = ['number'];
const B: Kind[] = ['boolean'];
const O: Kind[] = ['object'];
const A: Kind[] = ['array'];

const processReport: Shape<ProcessReport> = {
  pid: N, nsPid: ['number', 'null'], command: S, signal: ['string', 'null'], end: S,
  exitCode: ['number', 'undefined'], killSignal: ['string', 'undefined'], endedAt: ['string', 'undefined'],
};
const stopReport: Shape<StopReport> = {
  signal: S, signalSource: S, timeout: N, scope: S, startedAt: S, finishedAt: S, escalated: B, exitCode: N,
  processes: obj(processReport, { each: true }),
};
const state: Shape<ContainerStateJSON> = {
  Status: S, Running: B, Paused: B, Restarting: B, OOMKilled: B, Dead: B, Pid: N, ExitCode: N, Error: S,
  StartedAt: S, FinishedAt: S, LastStop: obj(stopReport, { optional: true }),
};
const mount: Shape<MountPoint> = {
  Type: S, Name: ['string', 'undefined'], Source: S, Destination: S, Driver: ['string', 'undefined'], Mode: S, RW: B, Propagation: S,
};
const config: Shape<KnownConfig> = {
  Hostname: S, User: S, Env: A, Cmd: ['array', 'null'], Entrypoint: ['array', 'null'], Image: S, WorkingDir: S, Labels: O,
  StopSignal: ['string', 'undefined'], StopTimeout: ['number', 'null', 'undefined'], Tty: B, OpenStdin: B, StdinOnce: B, AttachStdin: B,
  AttachStdout: B, AttachStderr: B, Domainname: ['string', 'undefined'], ExposedPorts: ['object', 'null', 'undefined'],
  Volumes: ['object', 'null', 'undefined'],
};
const U = <T extends Kind>(k: T): Kind[] => [k, 'null', 'undefined'];
const hostConfig: Shape<KnownHostConfig> = {
  Binds: ['array', 'null'], AutoRemove: B, RestartPolicy: O, Init: ['boolean', 'null'], NetworkMode: S,
  PortBindings: U('object'), PublishAllPorts: ['boolean', 'undefined'], Dns: U('array'), DnsSearch: U('array'), DnsOptions: U('array'),
  ExtraHosts: U('array'), Mounts: U('array'), Tmpfs: U('object'),
};
const endpoint: Shape<EndpointSettings> = {
  IPAMConfig: ['object', 'null'], Links: ['array', 'null'], Aliases: ['array', 'null'], MacAddress: S, DriverOpts: ['object', 'null'],
  NetworkID: S, EndpointID: S, Gateway: S, IPAddress: S, IPPrefixLen: N, IPv6Gateway: S, GlobalIPv6Address: S, GlobalIPv6PrefixLen: N,
  DNSNames: ['array', 'null', 'undefined'],
};
const networkSettings: Shape<NetworkSettings> = {
  Bridge: S, SandboxID: S, SandboxKey: S, HairpinMode: B, LinkLocalIPv6Address: S, LinkLocalIPv6PrefixLen: N, Ports: O,
  SecondaryIPAddresses: ['null'], SecondaryIPv6Addresses: ['null'], EndpointID: S, Gateway: S, GlobalIPv6Address: S,
  GlobalIPv6PrefixLen: N, IPAddress: S, IPPrefixLen: N, IPv6Gateway: S, MacAddress: S, Networks: O,
};
const networkContainer: Shape<NetworkContainer> = { Name: S, EndpointID: S, MacAddress: S, IPv4Address: S, IPv6Address: S };
const network: Shape<NetworkInspect> = {
  Name: S, Id: S, Created: S, Scope: S, Driver: S, EnableIPv4: B, EnableIPv6: B, IPAM: O, Internal: B, Attachable: B, Ingress: B,
  ConfigFrom: O, ConfigOnly: B, Containers: O, Options: O, Labels: O,
};
const volume: Shape<Volume> = { Name: S, Driver: S, Mountpoint: S, CreatedAt: S, Labels: ['object', 'null'], Options: ['object', 'null'], Scope: S };
const inspect: Shape<ContainerInspect> = {
  Id: S, Created: S, Path: S, Args: A, State: obj(state), Image: S, ResolvConfPath: S, HostnamePath: S, HostsPath: S,
  LogPath: S, Name: S, RestartCount: N, Driver: S, Platform: S, MountLabel: S, ProcessLabel: S, AppArmorProfile: S,
  ExecIDs: ['array', 'null'], HostConfig: obj(hostConfig), GraphDriver: O, Mounts: obj(mount, { each: true }),
  Config: obj(config), NetworkSettings: obj(networkSettings),
};
const summary: Shape<ContainerSummary> = {
  Id: S, Names: A, Image: S, ImageID: S, Command: S, Created: N, Ports: A, Labels: O, State: S, Status: S,
  HostConfig: O, NetworkSettings: O, Mounts: obj(mount, { each: true }), SizeRw: ['number', 'undefined'], SizeRootFs: ['number', 'undefined'],
};
const event: Shape<EventMessage> = {
  Type: S, Action: S, Actor: O, scope: S, time: N, timeNano: N,
  status: ['string', 'undefined'], id: ['string', 'undefined'], from: ['string', 'undefined'],
};
const processDiagnosis: Shape<ProcessDiagnosis> = {
  pid: N, nsPid: ['number', 'null'], command: S, catches: B, ignores: B, blocks: B, fate: S, explanation: S,
};
const diagnosis: Shape<Diagnosis> = {
  container: S, signal: S, signalSource: S, timeout: N, scope: S, init: B, processes: obj(processDiagnosis, { each: true }), outcome: S,
  seconds: N, summary: S, withoutInit: ['string', 'null'], fixes: A,
};
const version: Shape<VersionResponse> = {
  Platform: O, Components: A, Version: S, ApiVersion: S, MinAPIVersion: S, GitCommit: S, GoVersion: S, Os: S, Arch: S,
  KernelVersion: S, Experimental: B, BuildTime: S,
};
const info: Shape<Omit<InfoResponse, string> & Pick<InfoResponse, 'ID' | 'Containers' | 'ContainersRunning' | 'ContainersPaused' |
  'ContainersStopped' | 'Images' | 'Driver' | 'LoggingDriver' | 'CgroupDriver' | 'CgroupVersion' | 'KernelVersion' | 'OperatingSystem' |
  'OSType' | 'Architecture' | 'NCPU' | 'MemTotal' | 'Name' | 'ServerVersion' | 'DockerRootDir' | 'DefaultRuntime' | 'InitBinary' |
  'DefaultStopTimeout' | 'CgroupLayout'>> = {
  ID: S, Containers: N, ContainersRunning: N, ContainersPaused: N, ContainersStopped: N, Images: N, Driver: S, LoggingDriver: S,
  CgroupDriver: S, CgroupVersion: S, KernelVersion: S, OperatingSystem: S, OSType: S, Architecture: S, NCPU: N, MemTotal: N,
  Name: S, ServerVersion: S, DockerRootDir: S, DefaultRuntime: S, InitBinary: S, DefaultStopTimeout: N, CgroupLayout: S,
};
const imageSummary: Shape<ImageSummary> = {
  Id: S, ParentId: S, RepoTags: A, RepoDigests: A, Created: N, Size: N, SharedSize: N, Labels: O, Containers: N,
};
const imageInspect: Shape<ImageInspect> = {
  Id: S, RepoTags: A, RepoDigests: A, Parent: S, Comment: S, Created: S, DockerVersion: S, Author: S, Config: O,
  Architecture: S, Os: S, Size: N, GraphDriver: O, RootFS: O, Metadata: O, Container: ['string', 'undefined'],
  ContainerConfig: ['object', 'undefined'], Variant: ['string', 'undefined'],
};
const historyItem: Shape<ImageHistoryItem> = { Id: S, Created: N, CreatedBy: S, Tags: ['array', 'null'], Size: N, Comment: S };
const prune: Shape<ImagePruneResponse> = { ImagesDeleted: ['array', 'null'], SpaceReclaimed: N };

const blkio: Shape<BlkioStatEntry> = { major: N, minor: N, op: S, value: N };
const blkioList: Check = { shape: blkio as Record<string, Check>, each: true };
const cpuStats: Shape<CpuStats> = {
  cpu_usage: O, system_cpu_usage: ['number', 'undefined'], online_cpus: ['number', 'undefined'], throttling_data: O,
};
const netStats: Shape<NetworkStats> = {
  rx_bytes: N, rx_packets: N, rx_errors: N, rx_dropped: N, tx_bytes: N, tx_packets: N, tx_errors: N, tx_dropped: N,
};
const stats: Shape<ContainerStats> = {
  name: S, id: S, read: S, preread: S, pids_stats: O,
  blkio_stats: obj<ContainerStats['blkio_stats']>({
    io_service_bytes_recursive: blkioList, io_serviced_recursive: blkioList, io_queue_recursive: ['array', 'null'],
    io_service_time_recursive: ['array', 'null'], io_wait_time_recursive: ['array', 'null'], io_merged_recursive: ['array', 'null'],
    io_time_recursive: ['array', 'null'], sectors_recursive: ['array', 'null'],
  }),
  num_procs: N, storage_stats: O, cpu_stats: obj(cpuStats), precpu_stats: obj(cpuStats), memory_stats: O,
  networks: ['object', 'undefined'],
};
const top: Shape<ContainerTop> = { Titles: A, Processes: A };
const execInspect: Shape<ExecInspect> = {
  ID: S, Running: B, ExitCode: ['number', 'null'], ProcessConfig: O, OpenStdin: B, OpenStderr: B, OpenStdout: B, CanRemove: B,
  ContainerID: S, DetachKeys: S, Pid: N,
};
const df: Shape<DiskUsageResponse> = {
  LayersSize: N, Images: obj(imageSummary, { each: true }), Containers: obj(summary, { each: true }), Volumes: A, BuildCache: A,
};

let d: TestDaemon;
let client: MoorageClient;
before(async () => {
  d = await startDaemon();
  client = new MoorageClient({ host: d.host });
});
after(async () => { await d?.stop(); });

test('real container answers match the shared wire types: inspect with a stop report, list, doctor', async () => {
  const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'trap "exit 0" TERM; echo ready; sleep 1000 & wait'],
    Labels: { tier: 'a' }, HostConfig: { Binds: ['/tmp:/host-tmp:ro'] } });
  try {
    await client.containers.start(Id);
    await d.waitForLog(Id, 'ready');
    check(await client.containers.doctor(Id), obj(diagnosis), 'doctor');
    check(await client.containers.list(), obj(summary, { each: true }), 'list');
    await client.containers.stop(Id, { timeout: 5 });
    const ins = await client.containers.inspect(Id);
    assert.ok(ins.State.LastStop, 'a stop report');
    check(ins, obj(inspect), 'inspect');
  } finally {
    await client.containers.remove(Id, { force: true });
  }
});

test('real system and image answers match the shared wire types: version, info, events, images', async () => {
  check(await client.system.version(), obj(version), 'version');
  check(await client.system.info(), obj(info), 'info');
  const since = Date.now() / 1000 - 60;
  const events = await client.system.events({ since, until: Date.now() / 1000 + 0.5 });
  let n = 0;
  for await (const e of events) {
    check(e, obj(event), `event ${n++}`);
  }
  assert.ok(n > 0, 'events were replayed');
  check(await client.images.list(), obj(imageSummary, { each: true }), 'images');
  check(await client.images.inspect('busybox'), obj(imageInspect), 'image inspect');
  check(await client.images.history('busybox'), obj(historyItem, { each: true }), 'image history');
  check(await client.images.prune(), obj(prune), 'image prune');
});

test('real network, volume and networked container answers match the shared wire types', async () => {
  const { Id: netId } = await client.networks.create({ Name: 'wirenet', Labels: { a: 'b' } });
  const vol = await client.volumes.create({ Name: 'wirevol' });
  check(vol, obj(volume), 'volume create');
  const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '1000'],
    HostConfig: { NetworkMode: 'wirenet', Binds: ['wirevol:/data'], PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      Mounts: [{ Type: 'tmpfs', Target: '/t' }] } });
  try {
    await client.containers.start(Id);
    const ins = await client.containers.inspect(Id);
    check(ins, obj(inspect), 'inspect');
    check(ins.NetworkSettings.Networks.wirenet, obj(endpoint), 'endpoint');
    assert.equal(ins.NetworkSettings.Ports['80/tcp']![0]!.HostIp, '127.0.0.1');
    assert.deepEqual(ins.Mounts.map((m) => m.Type).sort(), ['tmpfs', 'volume']);
    const net = await client.networks.inspect(netId);
    check(net, obj(network), 'network inspect');
    check(net.Containers[Id], obj(networkContainer), 'network member');
    check(await client.networks.list(), obj(network, { each: true }), 'networks');
    check((await client.volumes.list()).Volumes, obj(volume, { each: true }), 'volumes');
    check(await client.volumes.inspect('wirevol'), obj(volume), 'volume inspect');
  } finally {
    await client.containers.remove(Id, { force: true });
    await client.networks.remove(netId);
    await client.volumes.remove('wirevol');
  }
});

test('real exec, stats, top and disk usage answers match the shared wire types', async () => {
  const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '1000'] });
  try {
    await client.containers.start(Id);
    const run = await client.execs.run(Id, ['sh', '-c', 'read x; echo got $x; exit 3'], { input: 'it\n' });
    assert.deepEqual(run, { exitCode: 3, stdout: 'got it\n', stderr: '' });
    const { Id: execId } = await client.execs.create(Id, { Cmd: ['true'] });
    await client.execs.start(execId, { detach: true });
    check(await client.execs.inspect(execId), obj(execInspect), 'exec inspect');
    const sample = await client.containers.stats(Id);
    check(sample, obj(stats), 'stats');
    assert.ok(sample.precpu_stats.system_cpu_usage, 'a sample after a second carries the previous one');
    const stream = await client.containers.statsStream(Id);
    for await (const s of stream) {
      check(s, obj(stats), 'streamed stats');
      check(s.networks?.eth0, obj(netStats), 'network stats');
      break;
    }
    stream.destroy();
    const t = await client.containers.top(Id);
    check(t, obj(top), 'top');
    assert.ok(t.Processes.some((p) => p.at(-1) === 'sleep 1000'), JSON.stringify(t));
    check(await client.system.df(), obj(df), 'system df');
  } finally {
    await client.containers.remove(Id, { force: true });
  }
});

test('the checker fails on a missing field and on a wrong kind', () => {
  assert.throws(() => check({ pid: 1 }, obj(processReport), 'p'), /p\.nsPid: undefined/);
  assert.throws(() => check({ ...{ pid: '1' } }, { shape: { pid: N } }, 'p'), /p\.pid: string is not one of number/);
});
