/**
 * A container's resource limits: Docker's `HostConfig` fields for memory, CPU, pids and block
 * I/O, checked by Docker's rules against what this host supports, and turned into the OCI
 * spec's `linux.resources` (for `create`, and for `runc update` on a running container).
 * @module
 */
import { InvalidParameter } from '../../errors.ts';
import type { HostLimits } from '../../runtime/cgroups.ts';

/** The resource fields of `HostConfig` moorage applies. */
export interface Resources {
  Memory: number;
  MemoryReservation: number;
  MemorySwap: number;
  NanoCpus: number;
  CpuShares: number;
  CpuPeriod: number;
  CpuQuota: number;
  CpusetCpus: string;
  CpusetMems: string;
  PidsLimit: number | null;
  BlkioWeight: number;
  /** 0–100; null (or Docker's -1): the kernel's. */
  MemorySwappiness: number | null;
  OomKillDisable: boolean;
}

/** The names of {@link Resources}' fields, as they appear in create and update bodies. */
export const RESOURCE_FIELDS: readonly (keyof Resources)[] = [
  'Memory', 'MemoryReservation', 'MemorySwap', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota',
  'CpusetCpus', 'CpusetMems', 'PidsLimit', 'BlkioWeight', 'MemorySwappiness', 'OomKillDisable',
];

/** Docker's lowest memory limit. */
export const MIN_MEMORY = 6 * 1024 * 1024;
/** cgroup v1's bounds for cpu.shares. */
const MIN_SHARES = 2;
const MAX_SHARES = 262144;
/** The CFS period moorage uses for NanoCpus, as Docker does. */
const NANO_PERIOD = 100_000;

/** No limits. */
export function noResources(): Resources {
  return {
    Memory: 0, MemoryReservation: 0, MemorySwap: 0, NanoCpus: 0, CpuShares: 0, CpuPeriod: 0, CpuQuota: 0,
    CpusetCpus: '', CpusetMems: '', PidsLimit: null, BlkioWeight: 0, MemorySwappiness: null, OomKillDisable: false,
  };
}

/** The resource fields of a HostConfig (or an update body), defaults for the missing ones. */
export function resourcesOf(hc: Readonly<Record<string, unknown>>, base: Resources = noResources()): Resources {
  const out = { ...base };
  for (const k of RESOURCE_FIELDS) {
    const v = hc[k];
    if (v === undefined || (v === null && k !== 'PidsLimit' && k !== 'MemorySwappiness')) continue;
    if (k === 'OomKillDisable') {
      if (typeof v !== 'boolean') throw new InvalidParameter('OomKillDisable must be a boolean');
      out.OomKillDisable = v;
    } else if (k === 'MemorySwappiness') {
      if (v !== null && !Number.isSafeInteger(v)) throw new InvalidParameter('MemorySwappiness must be an integer');
      out.MemorySwappiness = v === null || v === -1 ? null : v as number;
    } else if (k === 'CpusetCpus' || k === 'CpusetMems') {
      if (typeof v !== 'string') throw new InvalidParameter(`${k} must be a string`);
      out[k] = v;
    } else if (k === 'PidsLimit') {
      if (v !== null && !Number.isSafeInteger(v)) throw new InvalidParameter('PidsLimit must be an integer');
      out.PidsLimit = v as number | null;
    } else {
      if (!Number.isSafeInteger(v)) throw new InvalidParameter(`${k} must be an integer`);
      out[k] = v as number;
    }
  }
  return out;
}

/**
 * Checks limits by Docker's rules and fills in what Docker derives (swap twice the memory when
 * the host accounts swap; shares within the kernel's range). Returns the limits to apply and
 * the warnings Docker would give for settings this host cannot honour.
 */
export function checkResources(r: Resources, host: HostLimits): { resources: Resources; warnings: string[] } {
  const out = { ...r };
  const warnings: string[] = [];
  if (out.Memory < 0 || out.MemoryReservation < 0) throw new InvalidParameter('Memory limits cannot be negative');
  if (out.Memory > 0 && out.Memory < MIN_MEMORY) throw new InvalidParameter('Minimum memory limit allowed is 6MB');
  if (out.MemorySwap > 0 && out.Memory === 0) {
    throw new InvalidParameter('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (out.Memory > 0 && out.MemorySwap > 0 && out.MemorySwap < out.Memory) {
    throw new InvalidParameter('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (out.Memory > 0 && out.MemoryReservation > 0 && out.Memory < out.MemoryReservation) {
    throw new InvalidParameter('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if (!host.swap && out.MemorySwap !== 0) {
    warnings.push('Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.');
    out.MemorySwap = 0;
  } else if (host.swap && out.Memory > 0 && out.MemorySwap === 0) {
    out.MemorySwap = out.Memory * 2;
  }
  if (out.NanoCpus !== 0 && out.CpuPeriod !== 0) throw new InvalidParameter('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (out.NanoCpus !== 0 && out.CpuQuota !== 0) throw new InvalidParameter('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (out.NanoCpus < 0 || out.NanoCpus > host.cpus * 1e9) {
    throw new InvalidParameter(`Range of CPUs is from 0.01 to ${host.cpus}.00, as there are only ${host.cpus} CPUs available`);
  }
  if (out.CpuPeriod !== 0 && (out.CpuPeriod < 1000 || out.CpuPeriod > 1_000_000)) {
    throw new InvalidParameter('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1 second (i.e. 1000000)');
  }
  if (out.CpuQuota > 0 && out.CpuQuota < 1000) throw new InvalidParameter('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (out.CpuShares < 0) throw new InvalidParameter('CpuShares cannot be negative');
  if (out.CpuShares > 0 && out.CpuShares < MIN_SHARES) {
    warnings.push(`Your kernel does not support cgroup cpu shares below ${MIN_SHARES}. Shares set to ${MIN_SHARES}.`);
    out.CpuShares = MIN_SHARES;
  } else if (out.CpuShares > MAX_SHARES) {
    warnings.push(`Your kernel does not support cgroup cpu shares above ${MAX_SHARES}. Shares set to ${MAX_SHARES}.`);
    out.CpuShares = MAX_SHARES;
  }
  checkCpuset('CPUs', out.CpusetCpus, host.cpusetCpus);
  checkCpuset('memory nodes', out.CpusetMems, host.cpusetMems);
  if (out.BlkioWeight !== 0 && (out.BlkioWeight < 10 || out.BlkioWeight > 1000)) {
    throw new InvalidParameter('Range of blkio weight is from 10 to 1000');
  }
  if (out.BlkioWeight !== 0 && !host.blkioWeight) {
    warnings.push('Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.');
    out.BlkioWeight = 0;
  }
  if (out.MemorySwappiness !== null && (out.MemorySwappiness < 0 || out.MemorySwappiness > 100)) {
    throw new InvalidParameter(`Invalid value: ${out.MemorySwappiness}, valid memory swappiness range is 0-100`);
  }
  if (out.PidsLimit !== null && out.PidsLimit <= 0) out.PidsLimit = null; // Docker: 0 and -1 are "unlimited"
  return { resources: out, warnings };
}

/** Parses a cpuset list (`0-2,4`) into its members; throws on a malformed one. */
export function parseCpuset(list: string): Set<number> {
  const out = new Set<number>();
  if (list.trim() === '') return out;
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new InvalidParameter(`invalid cpuset format: ${list}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 4096) throw new InvalidParameter(`invalid cpuset format: ${list}`);
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return out;
}

function checkCpuset(what: string, requested: string, available: string): void {
  if (!requested) return;
  const have = parseCpuset(available);
  const want = parseCpuset(requested);
  if ([...want].some((x) => !have.has(x))) {
    throw new InvalidParameter(`Requested ${what} are not available - requested ${requested}, available: ${available}`);
  }
}

/** The OCI spec's `linux.resources` for these limits (devices are the bundle's business). */
export function ociResources(r: Resources): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const memory: Record<string, number> = {};
  if (r.Memory > 0) memory.limit = r.Memory;
  if (r.MemoryReservation > 0) memory.reservation = r.MemoryReservation;
  if (r.MemorySwap !== 0) memory.swap = r.MemorySwap;
  if (r.MemorySwappiness !== null) memory.swappiness = r.MemorySwappiness;
  if (Object.keys(memory).length || r.OomKillDisable) out.memory = { ...memory, ...(r.OomKillDisable ? { disableOOMKiller: true } : {}) };
  const cpu: Record<string, number | string> = {};
  if (r.CpuShares > 0) cpu.shares = r.CpuShares;
  if (r.NanoCpus > 0) {
    cpu.period = NANO_PERIOD;
    cpu.quota = Math.round((r.NanoCpus * NANO_PERIOD) / 1e9);
  }
  if (r.CpuPeriod > 0) cpu.period = r.CpuPeriod;
  if (r.CpuQuota !== 0) cpu.quota = r.CpuQuota;
  if (r.CpusetCpus) cpu.cpus = r.CpusetCpus;
  if (r.CpusetMems) cpu.mems = r.CpusetMems;
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (r.PidsLimit !== null) out.pids = { limit: r.PidsLimit };
  if (r.BlkioWeight > 0) out.blockIO = { weight: r.BlkioWeight };
  return out;
}
