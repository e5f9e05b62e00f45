/**
 * The images' wire shapes (Docker Engine API field names), shared by the engine and the SDK.
 * @module
 */

/** One element of `GET /images/json`. */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** Unix seconds. */
  Created: number;
  Size: number;
  SharedSize: number;
  Labels: Record<string, string>;
  Containers: number;
}

/** `GET /images/{name}/json`. */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: Record<string, unknown>;
  Architecture: string;
  Os: string;
  Size: number;
  GraphDriver: { Name: string; Data: Record<string, string> };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
  /** API < 1.45 only (moby drops it after). */
  Container?: string;
  /** API < 1.45 only: compose 1.29 reads `ContainerConfig.Volumes` to keep anonymous volumes on recreate. */
  ContainerConfig?: Record<string, unknown>;
}

/** One entry of `DELETE /images/{name}`'s answer. */
export interface ImageDeleteItem {
  Untagged?: string;
  Deleted?: string;
}
