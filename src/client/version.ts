/**
 * API version negotiation: the client speaks up to {@link MAX_API_VERSION} and uses
 * min(engine's `Api-Version`, its own maximum).
 * @module
 */

/** The newest Docker Engine API version this SDK speaks. */
export const MAX_API_VERSION = '1.47';

/** Compares two `major.minor` versions: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The version to put in paths: the smaller of the engine's and the client's, or `undefined`
 * (unversioned paths) when the engine did not say.
 */
export function negotiateVersion(server: string | undefined, client: string = MAX_API_VERSION): string | undefined {
  if (!server || !/^\d+\.\d+$/.test(server.trim())) return undefined;
  const s = server.trim();
  return compareVersions(s, client) < 0 ? s : client;
}
