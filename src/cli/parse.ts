/**
 * Parsers of flag values, failing the way docker does (`invalid argument "x" for "-t, --time"
 * flag: …`, exit 125).
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Filters } from '../client/types.ts';
import type { RestartPolicy } from '../client/types.ts';
import { parseDuration } from '../units.ts';

/** Parses a whole number (`-t`, `--stop-timeout`, `--tail`). */
export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`strconv.Atoi: parsing "${value}": invalid syntax`);
  return Number(value);
}

/** Parses `--tail`: a number of lines or `all`. */
export function parseTail(value: string): number | 'all' {
  if (value === 'all') return 'all';
  const n = parseInteger(value);
  if (n < 0) return 'all';
  return n;
}

/** Collects a repeatable flag's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `-e KEY=VALUE`, or `-e KEY` to take the value from the caller's environment (dropped if unset). */
export function resolveEnv(entries: string[], env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const e of entries) {
    if (e.startsWith('=')) throw new InvalidArgumentError(`invalid environment variable: ${e}`);
    if (e.includes('=')) out.push(e);
    else if (env[e] !== undefined) out.push(`${e}=${env[e]}`);
  }
  return out;
}

/** `-l key=value` (or `key` for an empty value) into a label map. */
export function parseLabels(entries: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const e of entries) {
    const i = e.indexOf('=');
    const k = i < 0 ? e : e.slice(0, i);
    if (!k) throw new InvalidArgumentError(`invalid label: ${e}`);
    labels[k] = i < 0 ? '' : e.slice(i + 1);
  }
  return labels;
}

/** `--restart no|always|unless-stopped|on-failure[:N]`. */
export function parseRestart(value: string): RestartPolicy {
  const [name, count, ...rest] = value.split(':');
  if (rest.length) throw new InvalidArgumentError(`invalid restart policy format: ${value}`);
  switch (name) {
    case 'no': case 'always': case 'unless-stopped':
      if (count !== undefined) throw new InvalidArgumentError(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`);
      return { Name: name };
    case 'on-failure': {
      if (count === undefined) return { Name: 'on-failure' };
      if (!/^\d+$/.test(count)) throw new InvalidArgumentError(`invalid restart policy format: maximum retry count must be an integer`);
      return { Name: 'on-failure', MaximumRetryCount: Number(count) };
    }
    default:
      throw new InvalidArgumentError(`invalid restart policy format: unknown policy "${name}"`);
  }
}

/** `--filter key=value` (repeatable) into the engine's filter map. */
export function parseFilters(entries: string[]): Filters {
  const f: Filters = {};
  for (const e of entries) {
    const i = e.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`bad format of filter (expected name=value): ${e}`);
    const k = e.slice(0, i).trim().toLowerCase();
    (f[k] ??= []).push(e.slice(i + 1));
  }
  return f;
}

/** A boolean flag value written `--flag=true|false`. */
export function parseBool(value: string): boolean {
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw new InvalidArgumentError(`strconv.ParseBool: parsing "${value}": invalid syntax`);
}

/**
 * A time for `--since`/`--until` as docker takes it: unix seconds (`1700000000[.nanos]`), an
 * RFC 3339 date or date-time, or a duration before now (`10m`, `1h30m`, `45s`). Returns unix
 * seconds as the engine wants them.
 */
export function parseTime(value: string, now = Date.now()): string {
  const v = value.trim();
  if (/^\d+(\.\d{1,9})?$/.test(v)) return v;
  const dur = parseDuration(v);
  if (dur !== undefined) return secondsString(now - dur);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`failed to parse value as time or duration: "${value}"`);
  return secondsString(ms);
}

function secondsString(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${s}.${String(Math.round((ms - s * 1000) * 1e6)).padStart(9, '0')}`;
}

/** Splits `name[:tag]` (a registry port is not a tag). */
export function splitRepoTag(ref: string): { repo: string; tag: string | undefined } {
  const m = /^(.*[^/]):([^:/]+)$/.exec(ref);
  return m ? { repo: m[1]!, tag: m[2] } : { repo: ref, tag: undefined };
}

/** The `-t/--time`, `--timeout` and `-s/--signal` flags shared by `stop` and `restart`. */
export function stopFlags(cmd: Command, signalHelp: string): Command {
  return cmd
    .option('-t, --time <seconds>', 'Seconds to wait before killing the container (default: its stop timeout, else 10; -1 waits forever)', parseInteger)
    .option('--timeout <seconds>', 'Same as --time', parseInteger)
    .option('-s, --signal <signal>', signalHelp);
}

/** go-units RAMInBytes: `64m`, `1.5g`, `512k`, `100` (bytes), binary multiples. */
export function parseRamBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`invalid size: '${value}'`);
  const power = m[2] ? 'kmgtp'.indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.floor(Number(m[1]) * 1024 ** power);
}

/** `--memory-swap`: a size, or -1 for unlimited swap. */
export function parseSwap(value: string): number {
  return value.trim() === '-1' ? -1 : parseRamBytes(value);
}

/** `--cpus 1.5` as NanoCpus. */
export function parseCpus(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value.trim()) || !Number.isFinite(n)) throw new InvalidArgumentError(`invalid argument "${value}" for "--cpus" flag`);
  return Math.round(n * 1e9);
}

/** The resource limit flags `run` and `update` share. */
export interface ResourceFlags {
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  cpus?: number;
  cpuShares?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  blkioWeight?: number;
}

/** Adds the resource limit flags to a command. */
export function resourceFlags(cmd: Command): Command {
  return cmd
    .option('-m, --memory <bytes>', 'Memory limit (e.g. 64m, 1g)', parseRamBytes)
    .option('--memory-swap <bytes>', 'Memory plus swap limit; -1 for unlimited swap', parseSwap)
    .option('--memory-reservation <bytes>', 'Memory soft limit', parseRamBytes)
    .option('--cpus <number>', 'Number of CPUs (e.g. 0.5)', parseCpus)
    .option('-c, --cpu-shares <weight>', 'CPU shares (relative weight)', parseInteger)
    .option('--cpu-period <us>', 'CFS period in microseconds', parseInteger)
    .option('--cpu-quota <us>', 'CFS quota in microseconds', parseInteger)
    .option('--cpuset-cpus <list>', 'CPUs to run on (0-3, 0,1)')
    .option('--cpuset-mems <list>', 'Memory nodes to use (0-3, 0,1)')
    .option('--pids-limit <n>', 'Process limit (-1 for unlimited)', parseInteger)
    .option('--blkio-weight <weight>', 'Block I/O weight, 10 to 1000', parseInteger);
}

/** The HostConfig fields for the resource flags given (the others left out). */
export function resourcesFromFlags(o: ResourceFlags): Record<string, number | string> {
  const pairs: [string, number | string | undefined][] = [
    ['Memory', o.memory], ['MemorySwap', o.memorySwap], ['MemoryReservation', o.memoryReservation], ['NanoCpus', o.cpus],
    ['CpuShares', o.cpuShares], ['CpuPeriod', o.cpuPeriod], ['CpuQuota', o.cpuQuota], ['CpusetCpus', o.cpusetCpus],
    ['CpusetMems', o.cpusetMems], ['PidsLimit', o.pidsLimit], ['BlkioWeight', o.blkioWeight],
  ];
  return Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as Record<string, number | string>;
}
