/**
 * Parsers of flag values, failing the way docker does (`invalid argument "x" for "-t, --time"
 * flag: …`, exit 125).
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Filters } from '../client/types.ts';
import type { RestartPolicy } from '../client/types.ts';

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

/** A Go duration (`1h30m`, `10s`, `500ms`) in ms, or undefined when it is not one. */
export function parseDuration(v: string): number | undefined {
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(v);
  if (!m || v === '' || !m.slice(1).some(Boolean)) return undefined;
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000 + Number(m[4] ?? 0);
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
