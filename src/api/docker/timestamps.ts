/**
 * Docker's timestamp format for `logs --timestamps`: RFC 3339 in UTC with nine fraction digits.
 * @module
 */

/** Nanoseconds since the epoch as Docker prints log timestamps (UTC, nine digits). */
export function formatTimeNano(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  return `${iso}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
}
