/**
 * A container's resource usage, read from its cgroup: CPU, memory, pids and block I/O, from
 * the v1 controllers' files or the v2 tree's, in one shape. Network counters come from the
 * container's own network namespace (`/proc/PID/net/dev`).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupInfo } from './cgroups.ts';

/** One block device's counter. */
export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** A cgroup's usage at one moment; nanoseconds and bytes. */
export interface CgroupStats {
  cpu: { total: number; perCpu: number[] | null; kernel: number; user: number; periods: number; throttledPeriods: number; throttledTime: number };
  /** `limit` is null when the cgroup has none. `maxUsage` is null where the kernel keeps no peak. */
  memory: { usage: number; maxUsage: number | null; limit: number | null; failcnt: number | null; stats: Record<string, number> };
  pids: { current: number; limit: number | null };
  blkio: { bytes: BlkioEntry[]; ios: BlkioEntry[] };
}

/** One interface's counters, as Docker names them. */
export interface NetStats {
  rx_bytes: number; rx_packets: number; rx_errors: number; rx_dropped: number;
  tx_bytes: number; tx_packets: number; tx_errors: number; tx_dropped: number;
}

/** USER_HZ: the unit of cpuacct.stat. */
const TICK_NS = 1e9 / 100;
/** v1's "no limit" is the largest page-aligned 64-bit value; anything this high is none. */
const V1_UNLIMITED = 2 ** 62;

/** Reads a cgroup's usage (null when the cgroup is gone). */
export async function readCgroupStats(info: CgroupInfo, cgroupsPath: string, base = '/sys/fs/cgroup'): Promise<CgroupStats | null> {
  return info.layout === 'unified' ? readV2(join(base, cgroupsPath)) : readV1((ctl) => join(base, ctl, cgroupsPath));
}

async function readV1(dir: (controller: string) => string): Promise<CgroupStats | null> {
  const f = (ctl: string, file: string) => readFile(join(dir(ctl), file), 'utf8').catch(() => null);
  const [usage, percpu, acctStat, cpuStat, memUsage, memMax, memLimit, memFail, memStat, pidsCur, pidsMax, ioBytes, ios] = await Promise.all([
    f('cpuacct', 'cpuacct.usage'), f('cpuacct', 'cpuacct.usage_percpu'), f('cpuacct', 'cpuacct.stat'), f('cpu', 'cpu.stat'),
    f('memory', 'memory.usage_in_bytes'), f('memory', 'memory.max_usage_in_bytes'), f('memory', 'memory.limit_in_bytes'),
    f('memory', 'memory.failcnt'), f('memory', 'memory.stat'), f('pids', 'pids.current'), f('pids', 'pids.max'),
    f('blkio', 'blkio.throttle.io_service_bytes_recursive'), f('blkio', 'blkio.throttle.io_serviced_recursive'),
  ]);
  if (usage === null && memUsage === null && pidsCur === null) return null;
  const acct = parseKeyed(acctStat ?? '');
  const throttle = parseKeyed(cpuStat ?? '');
  const limit = num(memLimit);
  return {
    cpu: {
      total: num(usage), perCpu: percpu === null ? null : percpu.trim().split(/\s+/).filter(Boolean).map(Number),
      kernel: (acct.system ?? 0) * TICK_NS, user: (acct.user ?? 0) * TICK_NS,
      periods: throttle.nr_periods ?? 0, throttledPeriods: throttle.nr_throttled ?? 0, throttledTime: throttle.throttled_time ?? 0,
    },
    memory: {
      usage: num(memUsage), maxUsage: num(memMax), limit: limit >= V1_UNLIMITED || limit === 0 ? null : limit,
      failcnt: num(memFail), stats: parseKeyed(memStat ?? ''),
    },
    pids: { current: num(pidsCur), limit: limitOf(pidsMax) },
    blkio: { bytes: parseBlkioV1(ioBytes ?? ''), ios: parseBlkioV1(ios ?? '') },
  };
}

async function readV2(dir: string): Promise<CgroupStats | null> {
  const f = (file: string) => readFile(join(dir, file), 'utf8').catch(() => null);
  const [cpuStat, memCur, memPeak, memMax, memStat, memEvents, pidsCur, pidsMax, io] = await Promise.all([
    f('cpu.stat'), f('memory.current'), f('memory.peak'), f('memory.max'), f('memory.stat'), f('memory.events'),
    f('pids.current'), f('pids.max'), f('io.stat'),
  ]);
  if (cpuStat === null && memCur === null) return null;
  const cpu = parseKeyed(cpuStat ?? '');
  const io2 = parseIoV2(io ?? '');
  return {
    cpu: {
      total: (cpu.usage_usec ?? 0) * 1000, perCpu: null, kernel: (cpu.system_usec ?? 0) * 1000, user: (cpu.user_usec ?? 0) * 1000,
      periods: cpu.nr_periods ?? 0, throttledPeriods: cpu.nr_throttled ?? 0, throttledTime: (cpu.throttled_usec ?? 0) * 1000,
    },
    memory: {
      usage: num(memCur), maxUsage: memPeak === null ? null : num(memPeak), limit: limitOf(memMax),
      failcnt: memEvents === null ? null : (parseKeyed(memEvents).max ?? 0), stats: parseKeyed(memStat ?? ''),
    },
    pids: { current: num(pidsCur), limit: limitOf(pidsMax) },
    blkio: io2,
  };
}

/** `key value` lines (memory.stat, cpu.stat, cpuacct.stat) as numbers. */
export function parseKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** v1 blkio lines: `8:0 Read 4096` (the `Total` lines are left out, as Docker does). */
export function parseBlkioV1(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):(\d+)\s+(\S+)\s+(\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

/** v2 io.stat lines (`8:0 rbytes=1 wbytes=2 rios=3 wios=4 …`) as Docker's v2 entries (`read`, `write`). */
export function parseIoV2(text: string): { bytes: BlkioEntry[]; ios: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const [dev, ...pairs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const kv = Object.fromEntries(pairs.map((p) => p.split('=')).filter(([, v]) => v !== undefined && /^\d+$/.test(v)).map(([k, v]) => [k, Number(v)]));
    const at = { major: Number(m[1]), minor: Number(m[2]) };
    bytes.push({ ...at, op: 'read', value: kv.rbytes ?? 0 }, { ...at, op: 'write', value: kv.wbytes ?? 0 });
    ios.push({ ...at, op: 'read', value: kv.rios ?? 0 }, { ...at, op: 'write', value: kv.wios ?? 0 });
  }
  return { bytes, ios };
}

/** `/proc/PID/net/dev` of the container's namespace: every interface but loopback. */
export async function readNetStats(pid: number): Promise<Record<string, NetStats> | null> {
  const text = await readFile(`/proc/${pid}/net/dev`, 'utf8').catch(() => null);
  return text === null ? null : parseNetDev(text);
}

/** Parses `/proc/net/dev` (two header lines, then `name: 16 counters`). */
export function parseNetDev(text: string): Record<string, NetStats> {
  const out: Record<string, NetStats> = {};
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const v = m[2]!.trim().split(/\s+/).map(Number);
    if (v.length < 16) continue;
    out[m[1]!] = {
      rx_bytes: v[0]!, rx_packets: v[1]!, rx_errors: v[2]!, rx_dropped: v[3]!,
      tx_bytes: v[8]!, tx_packets: v[9]!, tx_errors: v[10]!, tx_dropped: v[11]!,
    };
  }
  return out;
}

/** The host's CPU time so far in nanoseconds (the `cpu` line of /proc/stat), Docker's `system_cpu_usage`. */
export async function systemCpuUsage(): Promise<number> {
  const text = await readFile('/proc/stat', 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  const ticks = line.trim().split(/\s+/).slice(1, 8).map(Number).reduce((a, b) => a + b, 0);
  return ticks * TICK_NS;
}

function num(text: string | null): number {
  const n = Number((text ?? '').trim());
  return Number.isFinite(n) ? n : 0;
}

/** A limit file: `max` (v2, pids) is none. */
function limitOf(text: string | null): number | null {
  const t = (text ?? '').trim();
  if (t === '' || t === 'max') return null;
  const n = Number(t);
  return Number.isFinite(n) && n < V1_UNLIMITED ? n : null;
}
