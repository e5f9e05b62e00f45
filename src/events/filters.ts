/**
 * Docker's `filters` query parameter: JSON `{"key":{"value":true}}` or the legacy
 * `{"key":["value"]}`, parsed into key → values.
 * @module
 */
import { InvalidParameter } from '../errors.ts';

/** Parsed filters: each key with its accepted values (any one may match). */
export type Filters = Map<string, string[]>;

/** Parses a `filters` query value, validating keys against `allowed`. */
export function parseFilters(raw: string | undefined, allowed: readonly string[]): Filters {
  const out: Filters = new Map();
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidParameter(`invalid filter: ${raw}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidParameter(`invalid filter: ${raw}`);
  }
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!allowed.includes(key)) throw new InvalidParameter(`invalid filter '${key}'`);
    let values: string[];
    if (Array.isArray(value)) values = value.map(String);
    else if (typeof value === 'object' && value !== null) values = Object.keys(value);
    else throw new InvalidParameter(`invalid filter '${key}'`);
    out.set(key, values);
  }
  return out;
}

/** True when `labels` satisfy every `key` or `key=value` of a label filter. */
export function matchLabels(wanted: string[], labels: Record<string, string>): boolean {
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) return Object.hasOwn(labels, w);
    return labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
}
