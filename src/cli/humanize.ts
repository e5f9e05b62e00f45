/**
 * Human renderings docker uses: durations (`2 minutes`), sizes (`4.26MB`), short IDs.
 * @module
 */
import { humanDuration, humanSize as goHumanSize } from '../units.ts';

/** `N ago` for a unix time in seconds. */
export function ago(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(Math.max(0, now - unixSeconds * 1000))} ago`;
}

/** go-units HumanSize as docker's tables show it (3 significant digits): `4.26MB`, `512B`. */
export function humanSize(bytes: number): string {
  return goHumanSize(bytes, 3);
}

/** The 12-character short form of an ID (without `sha256:`). */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
