/**
 * The engine's registry of work in progress per container: a start, a stop and its recorder,
 * the handling of the last exit, the teardown of the last run, a manual restart. Operations
 * meet here instead of through fields on the container model, and everything here is bounded
 * by the operation that put it here.
 * @module
 */
import type { StopReport } from '../../wire/stop.ts';

/** What the exit handler needs of the recorder of a stop in progress. */
export interface RecordingStop {
  /** Ends its sampling: the container has exited. */
  stopSampling(): void;
  /** Builds the report, once the exit is in the state. */
  finish(): Promise<StopReport>;
}

/**
 * An archive operation (cp, export, diff) using a container's files. Removal aborts it and
 * waits for it to end before it unmounts and deletes them; a start that finds the rootfs
 * unmounted under one that holds a mount ends it first.
 */
export interface RootfsUse {
  /** Aborted to end the operation at once. */
  readonly abort: AbortController;
  /** Holds the engine's descriptor of the mounted rootfs (a `mount` lease, once it has it). */
  holding: boolean;
  /** Settles when the operation has let go. */
  readonly done: Promise<void>;
}

/** The blobs and layers an image operation in progress (pull, load, import) has made so far. */
export interface ImageParts {
  blobs: Set<string>;
  chains: Set<string>;
}

/** Work in progress, keyed by container id. */
export class Inflight {
  /** A start in progress: a second start (or a remove) waits for it instead of racing it. */
  readonly starts = new Map<string, Promise<void>>();
  /** The recorder of the stop in progress: the exit handler finishes its report. */
  readonly stops = new Map<string, RecordingStop>();
  /** The handling of the container's last exit (state, report, checkpoint): a stop awaits it. */
  readonly exits = new Map<string, Promise<void>>();
  /** The teardown of the last run (runtime delete, unmount): the next start waits for it. */
  readonly teardowns = new Map<string, Promise<void>>();
  /** Containers a user is restarting: the exit that causes must not trigger AutoRemove. */
  readonly manualRestarts = new Set<string>();
  /** Image operations in progress: garbage collection keeps what they made before they record their image. */
  readonly imageParts = new Set<ImageParts>();

  /** Registers an image operation's parts until `done` settles. */
  holdImageParts<T>(run: (parts: ImageParts) => Promise<T>): Promise<T> {
    const parts: ImageParts = { blobs: new Set(), chains: new Set() };
    this.imageParts.add(parts);
    return run(parts).finally(() => this.imageParts.delete(parts));
  }
  /** A mount of the rootfs in progress (a start's or an archive operation's): the next one waits for it. */
  readonly mounts = new Map<string, Promise<void>>();
  /** Archive operations using a container's files. */
  readonly rootfsUses = new Map<string, Set<RootfsUse>>();

  /** Settles when the start in progress, if any, has (successfully or not). */
  async startSettled(id: string): Promise<void> {
    await this.starts.get(id)?.catch(() => {});
  }

  /** Settles when the last run's teardown has. */
  async tornDown(id: string): Promise<void> {
    await this.teardowns.get(id);
  }

  /** Forgets a removed container. */
  forget(id: string): void {
    this.starts.delete(id);
    this.stops.delete(id);
    this.exits.delete(id);
    this.teardowns.delete(id);
    this.manualRestarts.delete(id);
    this.mounts.delete(id);
    this.rootfsUses.delete(id);
  }
}
