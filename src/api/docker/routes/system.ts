/**
 * System routes: ping, version, info, events.
 * @module
 */
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import { BUILD_COMMIT, VERSION } from '../../../version.ts';
import { InvalidParameter } from '../../../errors.ts';
import { EVENT_FILTERS, eventMatches, type EngineEvent } from '../../../events/bus.ts';
import { parseFilters } from '../../../events/filters.ts';
import { parseTimestamp } from '../../../engine/containers/logs.ts';
import { drained, sendJson, startStream, type Ctx } from '../http.ts';
import { compareVersions, MAX_API_VERSION, MIN_API_VERSION } from '../version.ts';
import type { Route } from './containers.ts';

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
    sendJson(ctx, 200, {
      Platform: { Name: 'moorage' },
      Components: [{ Name: 'Engine', Version: VERSION, Details: { ApiVersion: MAX_API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: goArch() } }],
      Version: VERSION, ApiVersion: MAX_API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: BUILD_COMMIT, GoVersion: `node${process.versions.node}`,
      Os: 'linux', Arch: goArch(), KernelVersion: release(), Experimental: false, BuildTime: '',
    });
  }],

  ['GET', '/info', async (ctx) => {
    const d = ctx.daemon;
    const all = d.containers.all();
    const count = (s: string) => all.filter((c) => c.state.status === s).length;
    sendJson(ctx, 200, {
      ID: 'moorage', Containers: all.length, ContainersRunning: count('running'), ContainersPaused: count('paused'),
      ContainersStopped: all.length - count('running') - count('paused'), Images: d.images.all().length,
      Driver: 'overlay', DriverStatus: [], Plugins: { Volume: [], Network: [], Authorization: null, Log: ['k8s-file'] },
      MemoryLimit: true, SwapLimit: false, CpuCfsPeriod: true, CpuCfsQuota: true, OomKillDisable: false,
      IPv4Forwarding: false, Debug: false, NFd: 0, NGoroutines: 0, SystemTime: new Date().toISOString(),
      LoggingDriver: 'k8s-file', CgroupDriver: 'cgroupfs', CgroupVersion: d.cgroups.version, NEventsListener: 0,
      KernelVersion: release(), OperatingSystem: 'moorage', OSVersion: '', OSType: 'linux', Architecture: goArch(),
      IndexServerAddress: '', RegistryConfig: null, NCPU: cpus().length, MemTotal: totalmem(), Name: hostname(),
      Labels: [], ExperimentalBuild: false, ServerVersion: VERSION, DockerRootDir: d.config.dataRoot,
      Runtimes: { [d.config.runtime]: { path: d.tasks.runtime.path } }, DefaultRuntime: d.config.runtime,
      Swarm: { LocalNodeState: 'inactive', ControlAvailable: false, NodeID: '', NodeAddr: '' },
      LiveRestoreEnabled: true, Isolation: '', InitBinary: d.config.initPath, SecurityOptions: [], Warnings: [],
      // moorage extra: lets clients derive stop deadlines from the real default.
      DefaultStopTimeout: d.config.defaultStopTimeout,
      // moorage extra: Docker's CgroupVersion says "1" for a hybrid host too; this says which.
      CgroupLayout: d.cgroups.layout,
    });
  }],

  ['GET', '/events', async (ctx) => {
    const q = ctx.query;
    const since = parseTimestamp(q.get('since') ?? undefined, 'since');
    const until = parseTimestamp(q.get('until') ?? undefined, 'until');
    if (until !== 0n && since !== 0n && until < since) throw new InvalidParameter('`since` time cannot be after `until` time');
    const filters = parseFilters(q.get('filters') ?? undefined, EVENT_FILTERS);
    const d = ctx.daemon;
    const sub = d.events.subscribe();
    const res = startStream(ctx, compareVersions(ctx.version, '1.52') >= 0 ? 'application/jsonl' : 'application/json');
    // A client that stops reading holds the loop at `drain`; the subscription then drops its
    // oldest queued events instead of growing without bound.
    const write = async (e: EngineEvent) => {
      if (eventMatches(e, filters) && !res.write(`${eventJson(e, ctx.version)}\n`)) await drained(res);
    };
    const nowNano = () => BigInt(Date.now()) * 1_000_000n;
    let last = 0n;
    if (q.has('since') || q.has('until')) {
      for (const e of d.events.replay(since, until === 0n ? nowNano() : until)) {
        await write(e);
        last = e.timeNano;
      }
    }
    if (until !== 0n && until <= nowNano()) {
      sub.close();
      res.end();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    if (until !== 0n) timer = setTimeout(() => sub.close(), Number((until - nowNano()) / 1_000_000n));
    ctx.abort.addEventListener('abort', () => sub.close(), { once: true });
    for await (const e of sub) {
      if (e.timeNano <= last) continue;
      if (until !== 0n && e.timeNano > until) break;
      await write(e);
    }
    clearTimeout(timer);
    res.end();
  }],
];
