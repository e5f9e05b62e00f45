/**
 * `X-Docker-Container-Path-Stat`: a path's stat as base64 (standard, padded) of the JSON moby's
 * `container.PathStat` marshals to, whose `mode` is a Go `os.FileMode` — permission bits in the
 * low nine, set-id and sticky bits and the file's type in the high ones — not a Unix `st_mode`,
 * and whose `mtime` is Go's RFC 3339 with nanoseconds (trailing zeros dropped).
 * @module
 */
import type { PathStat } from '../../engine/containers/archive.ts';
import type { ContainerPathStat } from '../../wire/containers.ts';

/** The header's name. */
export const PATH_STAT_HEADER = 'X-Docker-Container-Path-Stat';

/** Go's `os.FileMode` type bits (io/fs). */
const GO_TYPE: Record<PathStat['type'], number> = {
  directory: 2 ** 31, symlink: 2 ** 27, block: 2 ** 26, char: 2 ** 26 + 2 ** 21, fifo: 2 ** 25, socket: 2 ** 24, file: 0,
};

/** Go's `os.FileMode` of a file of `type` with permission and set-id/sticky bits `mode`. */
export function goFileMode(type: PathStat['type'], mode: number): number {
  const special = (mode & 0o4000 ? 2 ** 23 : 0) + (mode & 0o2000 ? 2 ** 22 : 0) + (mode & 0o1000 ? 2 ** 20 : 0);
  return GO_TYPE[type] + special + (mode & 0o777);
}

/** A time as Go's `time.Time` marshals it to JSON (UTC): RFC 3339 with up to nine fraction digits. */
export function goTime(sec: number, nsec: number): string {
  const base = new Date(sec * 1000).toISOString().slice(0, 19);
  const frac = nsec ? `.${String(nsec).padStart(9, '0').replace(/0+$/, '')}` : '';
  return `${base}${frac}Z`;
}

/** The stat as moby's JSON. */
export function pathStatJSON(s: PathStat): ContainerPathStat {
  return { name: s.name, size: s.size, mode: goFileMode(s.type, s.mode), mtime: goTime(s.mtimeSec, s.mtimeNsec), linkTarget: s.linkTarget };
}

/** The header's value. */
export function pathStatHeader(s: PathStat): string {
  return Buffer.from(JSON.stringify(pathStatJSON(s))).toString('base64');
}
