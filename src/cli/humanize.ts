/**
 * Human renderings docker uses: durations (`2 minutes`), sizes (`4.26MB`), short IDs.
 * @module
 */
import { humanDuration } from '../units.ts';

/** `N ago` for a unix time in seconds. */
export function ago(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(Math.max(0, now - unixSeconds * 1000))} ago`;
}

/** go-units HumanSize (decimal units, 3 significant digits): `4.26MB`, `512B`. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

/** The 12-character short form of an ID (without `sha256:`). */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
