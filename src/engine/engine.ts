/**
 * The engine: owns the container and image stores, the event bus, the task runner and its exit
 * watcher, and the registries of work in progress. Operations live one per file in the folders
 * beside this one and take the engine as their first argument; this file imports none of them
 * (boot.ts puts the engine together).
 * @module
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino, { type Logger } from 'pino';
import type { Container } from '../container/container.ts';
import { ExecStore } from '../container/execs.ts';
import { ContainerStore } from '../container/store.ts';
import { EventBus } from '../events/bus.ts';
import { ContentStore } from '../content/store.ts';
import { ImageStore } from '../image/store.ts';
import { Registry } from '../registry/registry.ts';
import { LayerStore } from '../snapshots/layers.ts';
import { removeIdleGlobalChains } from '../network/firewall.ts';
import { Netavark } from '../network/netavark.ts';
import { NetnsManager } from '../network/netns.ts';
import { NetworkStore } from '../network/store.ts';
import { VolumeStore } from '../volumes/store.ts';
import type { CgroupInfo, HostLimits } from '../runtime/cgroups.ts';
import { ExitWatcher } from '../runtime/exit-watcher.ts';
import type { TaskRunner } from '../runtime/task.ts';
import type { EngineConfig } from './config.ts';
import { Inflight } from './lifecycle/inflight.ts';
import { RestartManager } from './lifecycle/restart-manager.ts';

/** What an exit led to, for the reactions that follow it (policy restart, AutoRemove). */
export interface ExitOutcome {
  code: number;
  /** The restart policy starts the container again. */
  restart: boolean;
  /** How long the run lasted, in ms (the policy's backoff depends on it). */
  runMs: number;
}

/** One engine instance. */
export class Engine {
  readonly config: EngineConfig;
  readonly log: Logger;
  readonly containers: ContainerStore;
  /** Exec instances, persisted beside their containers. */
  readonly execs: ExecStore;
  readonly images: ImageStore;
  /** Blobs by digest: manifests, configs, layer archives. */
  readonly content: ContentStore;
  /** Unpacked layers by chain ID. */
  readonly layers: LayerStore;
  /** The distribution client (mirrors, insecure registries, tokens). */
  readonly registry: Registry;
  readonly networks: NetworkStore;
  readonly volumes: VolumeStore;
  /** netavark with this engine's config directory (aardvark-dns's files). */
  readonly netavark: Netavark;
  /** This engine's network namespaces. */
  readonly netns: NetnsManager;
  readonly events = new EventBus();
  readonly exits: ExitWatcher;
  /** Set at boot, once the runtime is chosen. */
  tasks!: TaskRunner;
  /** The host's cgroup layout, read at boot. */
  cgroups!: CgroupInfo;
  /** What the host's cgroups can limit, read at boot. */
  limits!: HostLimits;
  /** Starts, stops, exits and teardowns in progress. */
  readonly inflight = new Inflight();
  /** Restart policies' state: cancellations, backoffs, pending restarts. */
  readonly restarts = new RestartManager();
  /** Reactions to a handled exit (registered at boot). */
  readonly exitReactions: ((c: Container, o: ExitOutcome) => void)[] = [];
  /** Set once shutdown begins: exits then do not count as manual stops. */
  shuttingDown = false;
  readonly startedAt = new Date();
  readonly #tracked = new Set<Promise<unknown>>();

  constructor(config: EngineConfig, log: Logger = pino({ level: config.logLevel })) {
    this.config = config;
    this.log = log;
    this.containers = new ContainerStore(join(config.dataRoot, 'containers'));
    this.execs = new ExecStore(join(config.dataRoot, 'containers'));
    this.images = new ImageStore(join(config.dataRoot, 'images'));
    this.content = new ContentStore(join(config.dataRoot, 'content'));
    this.layers = new LayerStore(join(config.dataRoot, 'layers'));
    this.registry = new Registry(config.registry);
    this.networks = new NetworkStore(join(config.dataRoot, 'networks'));
    this.volumes = new VolumeStore(join(config.dataRoot, 'volumes'));
    this.netavark = new Netavark(join(config.execRoot, 'netavark'));
    // The namespaces' names carry the data root's tag: engines on other roots never touch them.
    this.netns = new NetnsManager(createHash('sha256').update(config.dataRoot).digest('hex').slice(0, 8));
    this.exits = new ExitWatcher(join(config.execRoot, 'exits'));
  }

  /** Registers an operation (a stop) that shutdown lets finish. */
  track<T>(p: Promise<T>): Promise<T> {
    this.#tracked.add(p);
    void p.finally(() => this.#tracked.delete(p)).catch(() => {});
    return p;
  }

  /** Waits for tracked operations to finish, at most `ms`. */
  async settle(ms: number): Promise<void> {
    if (!this.#tracked.size) return;
    await Promise.race([Promise.allSettled([...this.#tracked]), sleep(ms, undefined, { ref: false })]);
  }

  /** Publishes a container event with Docker's attributes: labels, `image` and `name`. */
  emit(c: Container, action: string, extra: Record<string, string> = {}): void {
    this.events.publish('container', action, c.id,
      { ...c.config.Labels, image: c.config.Image, name: c.name, ...extra });
  }

  /**
   * Stops watching; containers keep running under their monitors (and keep their networks).
   * When none of this engine's containers has a network up, netavark's global firewall chains
   * go too if no other netavark user needs them.
   */
  async close(): Promise<void> {
    this.restarts.close();
    this.exits.close();
    this.tasks?.close();
    await this.tasks?.removeParentCgroups();
    if (!this.containers.all().some((c) => c.record.Network?.sandboxKey)) {
      await removeIdleGlobalChains().catch((err: Error) => this.log.warn({ err }, 'removing idle firewall chains failed'));
    }
  }
}
