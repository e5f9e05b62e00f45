/**
 * Human renderings docker uses: durations (`2 minutes`), sizes (`4.26MB`), short IDs.
 * @module
 */

/** go-units HumanDuration: `Less than a second`, `About a minute`, `3 hours`, `2 weeks`. */
export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.round(ms / 60_000);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(ms / 3_600_000);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

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
