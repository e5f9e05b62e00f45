/**
 * The daemon: owns the container and image stores, the event bus, the task runner and the exit
 * watcher. Lifecycle operations live one per file beside this one (create.ts, start.ts,
 * stop.ts, kill.ts, …) and take the daemon as their first argument.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Container } from '../container/container.ts';
import { ContainerStore } from '../container/store.ts';
import { EventBus } from '../events/bus.ts';
import { ensureBusybox } from './images/busybox.ts';
import { ImageStore } from '../image/store.ts';
import { ExitWatcher } from '../runtime/exit-watcher.ts';
import { cgroupRoot, detectCgroups, type CgroupInfo } from '../runtime/cgroups.ts';
import { selectRuntime } from '../runtime/select.ts';
import { TaskRunner } from '../runtime/task.ts';
import type { DaemonConfig } from './config.ts';
import { handleExit } from './containers/exit.ts';
import { restore } from './lifecycle/restore.ts';

/** One engine instance. */
export class Daemon {
  readonly config: DaemonConfig;
  readonly log: Logger;
  readonly containers: ContainerStore;
  readonly images: ImageStore;
  readonly events = new EventBus();
  readonly exits: ExitWatcher;
  tasks!: TaskRunner;
  /** The host's cgroup layout, read at boot. */
  cgroups!: CgroupInfo;
  /** Set once shutdown begins: exits then do not count as manual stops. */
  shuttingDown = false;
  readonly startedAt = new Date();
  readonly #inflight = new Set<Promise<unknown>>();

  constructor(config: DaemonConfig, log: Logger = pino({ level: config.logLevel })) {
    this.config = config;
    this.log = log;
    this.containers = new ContainerStore(join(config.dataRoot, 'containers'));
    this.images = new ImageStore(join(config.dataRoot, 'images'));
    this.exits = new ExitWatcher(join(config.execRoot, 'exits'), (e) => {
      void handleExit(this, e).catch((err: Error) => this.log.error({ err, id: e.id }, 'exit handling failed'));
    });
  }

  /** Loads state from disk, makes the embedded image, and starts watching exits. */
  async boot(): Promise<void> {
    await mkdir(this.config.dataRoot, { recursive: true, mode: 0o711 });
    await mkdir(this.config.execRoot, { recursive: true, mode: 0o711 });
    this.cgroups = await detectCgroups();
    this.tasks = new TaskRunner(await selectRuntime(this.config.runtime, this.config.execRoot, this.cgroups),
      await cgroupRoot(), this.config.cgroupParent);
    for (const bad of await this.images.load()) this.log.warn({ image: bad }, 'skipping unreadable image');
    await ensureBusybox(this.images);
    for (const f of await this.containers.load()) {
      this.log.error({ id: f.id, error: f.error }, 'skipping container with an unreadable checkpoint');
    }
    await this.exits.start((err) => this.log.error({ err }, 'exit watcher failed'));
    // Restore applies exits that happened while the daemon was down (without `die`); the scan
    // then catches records of containers restore did not expect to be running.
    await restore(this);
    await this.exits.scan();
  }

  /** Registers an operation (a stop) that shutdown lets finish. */
  track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p)).catch(() => {});
    return p;
  }

  /** Waits for tracked operations to finish, at most `ms`. */
  async settle(ms: number): Promise<void> {
    if (!this.#inflight.size) return;
    await Promise.race([Promise.allSettled([...this.#inflight]), sleep(ms, undefined, { ref: false })]);
  }

  /** Publishes a container event with Docker's attributes: labels, `image` and `name`. */
  emit(c: Container, action: string, extra: Record<string, string> = {}): void {
    this.events.publish('container', action, c.id,
      { ...c.config.Labels, image: c.config.Image, name: c.name, ...extra });
  }

  /** Stops watching; containers keep running under their monitors. */
  async close(): Promise<void> {
    this.exits.close();
    await this.tasks?.removeParentCgroups();
  }
}
