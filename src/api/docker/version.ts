/**
 * API versions: what moorage serves, and the version a request asks for in its path.
 * @module
 */
import { InvalidParameter } from '../../errors.ts';

/** The newest API version moorage speaks (what the docker CLI 28.2 asks for). */
export const MAX_API_VERSION = '1.50';
/**
 * The oldest API version moorage accepts: moby 28's minimum. compose 1.29 asks for 1.38; the
 * answers that differ by version below 1.45 (image inspect's `ContainerConfig`, network
 * aliases with the short ID) are shaped per request.
 */
export const MIN_API_VERSION = '1.24';

/** Compares two `major.minor` versions. */
export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** Splits `/v1.41/containers/json` into the version and the path; unversioned paths get the newest. */
export function splitVersion(path: string): { version: string; path: string } {
  const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(path);
  if (!m) return { version: MAX_API_VERSION, path };
  const version = m[1]!;
  if (compareVersions(version, MAX_API_VERSION) > 0) {
    throw new InvalidParameter(`client version ${version} is too new. Maximum supported API version is ${MAX_API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new InvalidParameter(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  return { version, path: m[2]! };
}
