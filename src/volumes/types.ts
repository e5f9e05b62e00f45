/**
 * A volume as the engine keeps it (local driver only), in the service's own terms.
 * @module
 */

/** One volume. */
export interface VolumeRecord {
  name: string;
  driver: 'local';
  /** ISO time, seconds precision. */
  createdAt: string;
  labels: Record<string, string>;
  /** The local driver's options (`type`, `device`, `o`), as given. */
  options: Record<string, string>;
}
