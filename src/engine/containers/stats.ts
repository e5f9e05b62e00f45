/**
 * `GET /containers/{id}/stats`: samples of a container's usage from its cgroup, one a second
 * when streaming, as Docker's collector sends them. A sample carries the previous one's CPU
 * counters (`precpu_stats`) so that clients can compute a rate.
 * @module
 */
import { availableParallelism, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container } from '../../container/container.ts';
import { readCgroupStats, readNetStats, systemCpuUsage, type CgroupStats } from '../../runtime/cgroup-stats.ts';
import type { ContainerStats, CpuStats } from '../../wire/stats.ts';
import type { Engine } from '../engine.ts';
import { taskOf } from './kill.ts';

/** How often a stream samples, as Docker's collector. */
export const STATS_INTERVAL_MS = 1000;
/** Go's zero time: Docker's `read` of a sample never taken. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** What the caller asked for. */
export interface StatsOptions {
  /** One sample a second until the client leaves or the container is removed. */
  stream: boolean;
  /** Without streaming: answer at once, without a previous sample (no `precpu_stats`). */
  oneShot: boolean;
  /** Ends a stream. */
  signal: AbortSignal;
}

/**
 * Sends the container's stats to `send`: one sample (after a second's wait for the previous
 * one, unless one-shot), or a stream. A container that is not running gives one empty sample,
 * or, when streamed, nothing until it runs.
 */
export async function containerStats(d: Engine, c: Container, opts: StatsOptions, send: (s: ContainerStats) => Promise<void>): Promise<void> {
  if (!opts.stream) {
    if (!running(c)) return send(emptyStats(c));
    const first = await sample(d, c, null);
    if (opts.oneShot || !first) return send(first ?? emptyStats(c));
    await sleep(STATS_INTERVAL_MS, undefined, { signal: opts.signal }).catch(() => {});
    return send((await sample(d, c, first)) ?? first);
  }
  let last: ContainerStats | null = null;
  while (!opts.signal.aborted && d.containers.find(c.id) === c) {
    const s: ContainerStats | null = running(c) ? await sample(d, c, last) : null;
    if (s) {
      await send(s);
      last = s;
    }
    await sleep(STATS_INTERVAL_MS, undefined, { signal: opts.signal }).catch(() => {});
  }
}

function running(c: Container): boolean {
  return c.state.running && !c.state.data.Restarting;
}

/** One sample now, with `pre`'s CPU counters as its previous ones; null when the cgroup is gone. */
async function sample(d: Engine, c: Container, pre: ContainerStats | null): Promise<ContainerStats | null> {
  const task = taskOf(d, c);
  if (!task) return null;
  const [cg, system, net] = await Promise.all([
    readCgroupStats(d.cgroups, task.cgroupsPath), systemCpuUsage(), readNetStats(task.pid),
  ]);
  if (!cg) return null;
  const cpus = availableParallelism();
  const stats = toDockerStats(c, cg, { read: new Date().toISOString(), system, cpus, machineMemory: totalmem() });
  if (pre) {
    stats.preread = pre.read;
    stats.precpu_stats = pre.cpu_stats;
  }
  if (net && Object.keys(net).length) stats.networks = net;
  return stats;
}

/** A sample of nothing: what Docker answers for a container that is not running. */
export function emptyStats(c: Container): ContainerStats {
  return {
    name: c.record.Name, id: c.id, read: ZERO_TIME, preread: ZERO_TIME, pids_stats: {}, blkio_stats: emptyBlkio(),
    num_procs: 0, storage_stats: {}, cpu_stats: emptyCpu(), precpu_stats: emptyCpu(), memory_stats: {},
  };
}

/** Docker's stats from a cgroup's counters (without the previous sample and the networks). */
export function toDockerStats(
  c: Container, cg: CgroupStats, host: { read: string; system: number; cpus: number; machineMemory: number },
): ContainerStats {
  const limit = cg.memory.limit === null || cg.memory.limit > host.machineMemory ? host.machineMemory : cg.memory.limit;
  return {
    name: c.record.Name, id: c.id, read: host.read, preread: ZERO_TIME,
    pids_stats: { current: cg.pids.current, ...(cg.pids.limit !== null ? { limit: cg.pids.limit } : {}) },
    blkio_stats: { ...emptyBlkio(), io_service_bytes_recursive: cg.blkio.bytes, io_serviced_recursive: cg.blkio.ios },
    num_procs: 0, storage_stats: {},
    cpu_stats: {
      cpu_usage: {
        total_usage: cg.cpu.total, ...(cg.cpu.perCpu ? { percpu_usage: cg.cpu.perCpu } : {}),
        usage_in_kernelmode: cg.cpu.kernel, usage_in_usermode: cg.cpu.user,
      },
      system_cpu_usage: host.system, online_cpus: host.cpus,
      throttling_data: { periods: cg.cpu.periods, throttled_periods: cg.cpu.throttledPeriods, throttled_time: cg.cpu.throttledTime },
    },
    precpu_stats: emptyCpu(),
    memory_stats: {
      usage: cg.memory.usage, ...(cg.memory.maxUsage !== null ? { max_usage: cg.memory.maxUsage } : {}),
      stats: cg.memory.stats, ...(cg.memory.failcnt !== null ? { failcnt: cg.memory.failcnt } : {}), limit,
    },
  };
}

function emptyCpu(): CpuStats {
  return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
}

function emptyBlkio(): ContainerStats['blkio_stats'] {
  return {
    io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null,
    io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
  };
}
