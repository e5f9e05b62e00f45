/**
 * System routes: ping, version, info, events.
 * @module
 */
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import { BUILD_COMMIT, VERSION } from '../../../version.ts';
import { systemInfo } from '../../../engine/system.ts';
import { diskUsage } from '../../../engine/disk-usage.ts';
import { containerSummary, imageSummary } from '../wire.ts';
import { volumeJson } from '../wire-networks.ts';
import type { InfoResponse, VersionResponse } from '../../../wire/system.ts';
import { readEvents, type EngineEvent } from '../../../engine/events.ts';
import { parseTimestamp } from '../../../engine/containers/logs.ts';
import { drained, sendJson, startStream, type Ctx } from '../http.ts';
import { compareVersions, MAX_API_VERSION, MIN_API_VERSION } from '../version.ts';
import type { Route } from '../http.ts';

const goArch = () => (arch() === 'x64' ? 'amd64' : arch() === 'arm64' ? 'arm64' : arch());

function ping(ctx: Ctx): Promise<void> {
  const res = ctx.res!;
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache', 'Builder-Version': '1', Swarm: 'inactive',
  });
  res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
  return Promise.resolve();
}

/** Event JSON for a client version: below 1.52 container and image events carry `status`, `id`, `from`. */
function eventJson(e: EngineEvent, version: string): string {
  const legacy = compareVersions(version, '1.52') < 0 && (e.Type === 'container' || e.Type === 'image')
    ? { status: e.Action, id: e.Actor.ID, ...(e.Type === 'container' ? { from: e.Actor.Attributes.image ?? '' } : {}) }
    : {};
  const body = { ...legacy, Type: e.Type, Action: e.Action, Actor: e.Actor, scope: e.scope, time: e.time, timeNano: 0 };
  return JSON.stringify(body).replace(/"timeNano":0}$/, `"timeNano":${e.timeNano}}`);
}

/** The system routes. */
export const systemRoutes: Route[] = [
  ['GET', '/_ping', ping],
  ['HEAD', '/_ping', ping],

  ['GET', '/version', async (ctx) => {
    const version: VersionResponse = {
      Platform: { Name: 'moorage' },
      Components: [{ Name: 'Engine', Version: VERSION, Details: { ApiVersion: MAX_API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: goArch() } }],
      Version: VERSION, ApiVersion: MAX_API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: BUILD_COMMIT, GoVersion: `node${process.versions.node}`,
      Os: 'linux', Arch: goArch(), KernelVersion: release(), Experimental: false, BuildTime: '',
    };
    sendJson(ctx, 200, version);
  }],

  ['GET', '/system/df', async (ctx) => {
    const du = await diskUsage(ctx.daemon);
    sendJson(ctx, 200, {
      LayersSize: du.layersSize,
      Images: du.images.map(imageSummary),
      Containers: du.containers.map((c) => ({ ...containerSummary(c.view, ctx.version), ...c.sizes })),
      Volumes: du.volumes.map((v) => ({ ...volumeJson(v.view), UsageData: { Size: v.size, RefCount: v.refCount } })),
      BuildCache: [],
    });
  }],

  ['GET', '/info', async (ctx) => {
    const s = systemInfo(ctx.daemon);
    const info: InfoResponse = {
      ID: 'moorage', Containers: s.containers.total, ContainersRunning: s.containers.running, ContainersPaused: s.containers.paused,
      ContainersStopped: s.containers.stopped, Images: s.images,
      Driver: 'overlay', DriverStatus: [], Plugins: { Volume: [], Network: [], Authorization: null, Log: ['k8s-file'] },
      MemoryLimit: true, SwapLimit: false, CpuCfsPeriod: true, CpuCfsQuota: true, OomKillDisable: false,
      IPv4Forwarding: false, Debug: false, NFd: 0, NGoroutines: 0, SystemTime: new Date().toISOString(),
      LoggingDriver: 'k8s-file', CgroupDriver: 'cgroupfs', CgroupVersion: s.cgroups.version, NEventsListener: 0,
      KernelVersion: release(), OperatingSystem: 'moorage', OSVersion: '', OSType: 'linux', Architecture: goArch(),
      IndexServerAddress: '', RegistryConfig: null, NCPU: cpus().length, MemTotal: totalmem(), Name: hostname(),
      Labels: [], ExperimentalBuild: false, ServerVersion: VERSION, DockerRootDir: s.dataRoot,
      Runtimes: { [s.runtime.name]: { path: s.runtime.path } }, DefaultRuntime: s.runtime.name,
      Swarm: { LocalNodeState: 'inactive', ControlAvailable: false, NodeID: '', NodeAddr: '' },
      LiveRestoreEnabled: true, Isolation: '', InitBinary: s.initPath, SecurityOptions: [], Warnings: [],
      // moorage extra: lets clients derive stop deadlines from the real default.
      DefaultStopTimeout: s.defaultStopTimeout,
      // moorage extra: Docker's CgroupVersion says "1" for a hybrid host too; this says which.
      CgroupLayout: s.cgroups.layout,
    };
    sendJson(ctx, 200, info);
  }],

  ['GET', '/events', async (ctx) => {
    const q = ctx.query;
    const events = readEvents(ctx.daemon, {
      since: parseTimestamp(q.get('since') ?? undefined, 'since'), until: parseTimestamp(q.get('until') ?? undefined, 'until'),
      replay: q.has('since') || q.has('until'), filters: q.get('filters') ?? undefined,
    }, ctx.abort);
    const res = startStream(ctx, compareVersions(ctx.version, '1.52') >= 0 ? 'application/jsonl' : 'application/json');
    for await (const e of events) {
      // A client that stops reading holds us here; the engine's queue for it drops its oldest.
      if (!res.write(`${eventJson(e, ctx.version)}\n`)) await drained(res);
    }
    res.end();
  }],
];
