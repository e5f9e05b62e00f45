/**
 * The volumes' wire shapes (Docker Engine API field names), shared by the engine and the SDK.
 * @module
 */

/** A volume. */
export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  /** RFC 3339, seconds precision. */
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: 'local';
}

/** `GET /volumes`. */
export interface VolumeListResponse {
  Volumes: Volume[];
  Warnings: string[] | null;
}

/** `POST /volumes/create`. */
export interface VolumeCreateRequest {
  Name?: string | null;
  Driver?: string | null;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** Answer of `POST /volumes/prune`. */
export interface VolumePruneResponse {
  VolumesDeleted: string[];
  SpaceReclaimed: number;
}
