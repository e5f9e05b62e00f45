/**
 * `moorage stats` rows as docker computes and prints them: CPU % from the sample's and the
 * previous sample's counters, memory without the page cache, network and block I/O totals.
 * @module
 */
import type { ContainerStats } from '../client/types.ts';
import { humanSize, shortId } from './humanize.ts';

/** The columns of the table. */
export const STATS_HEADER = ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'];

/** What one sample amounts to. */
export interface StatsRow {
  id: string;
  name: string;
  cpuPercent: number;
  memUsage: number;
  memLimit: number;
  memPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

/** Computes a row from a sample (docker's arithmetic). */
export function statsRow(s: ContainerStats): StatsRow {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 0;
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const mem = s.memory_stats;
  const usage = mem.usage ?? 0;
  const stats = mem.stats ?? {};
  const cache = stats.total_inactive_file !== undefined ? stats.total_inactive_file : stats.inactive_file ?? 0;
  const memUsage = cache < usage ? usage - cache : usage;
  const memLimit = mem.limit ?? 0;
  let netRx = 0;
  let netTx = 0;
  for (const n of Object.values(s.networks ?? {})) { netRx += n.rx_bytes; netTx += n.tx_bytes; }
  let blockRead = 0;
  let blockWrite = 0;
  for (const e of s.blkio_stats.io_service_bytes_recursive ?? []) {
    if (e.op.toLowerCase() === 'read') blockRead += e.value;
    else if (e.op.toLowerCase() === 'write') blockWrite += e.value;
  }
  return {
    id: s.id, name: s.name.replace(/^\//, ''), cpuPercent, memUsage, memLimit,
    memPercent: memLimit ? (memUsage / memLimit) * 100 : 0, netRx, netTx, blockRead, blockWrite, pids: s.pids_stats.current ?? 0,
  };
}

/** The cells of a row; a container without a sample yet shows dashes, as docker's does. */
export function statsCells(r: StatsRow | null, id: string, name: string): string[] {
  if (!r) return [shortId(id), name, '--', '-- / --', '--', '--', '--', '--'];
  return [
    shortId(r.id), r.name, `${r.cpuPercent.toFixed(2)}%`, `${bytesSize(r.memUsage)} / ${bytesSize(r.memLimit)}`,
    `${r.memPercent.toFixed(2)}%`, `${humanSize(r.netRx)} / ${humanSize(r.netTx)}`,
    `${humanSize(r.blockRead)} / ${humanSize(r.blockWrite)}`, String(r.pids),
  ];
}

/** go-units BytesSize: binary units, four significant digits (`444KiB`, `1.953GiB`). */
export function bytesSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${Number(v.toPrecision(4))}${units[i]}`;
}
