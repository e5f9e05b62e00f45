/**
 * The moorage client: one connection to an engine, with its container, image and system
 * operations.
 * @module
 */
import { Containers } from './containers.ts';
import { Execs } from './exec.ts';
import { Images } from './images.ts';
import { Networks } from './networks.ts';
import { Volumes } from './volumes.ts';
import { System } from './system.ts';
import { Transport, type TransportOptions } from './transport.ts';

/** Options of a {@link MoorageClient}. */
export type ClientOptions = TransportOptions;

/**
 * A client of a moorage (or any Docker-API) engine.
 *
 * @example
 * ```ts
 * import { MoorageClient } from 'moorage';
 * const client = new MoorageClient();               // MOORAGE_HOST, DOCKER_HOST or /run/moorage/moorage.sock
 * const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '1000'] });
 * await client.containers.start(Id);
 * await client.containers.stop(Id, { timeout: 5 }); // waits through the SIGKILL escalation
 * await client.containers.remove(Id);
 * client.close();
 * ```
 */
export class MoorageClient {
  /** The underlying transport (address, version negotiation, raw requests). */
  readonly transport: Transport;
  /** Container operations. */
  readonly containers: Containers;
  /** Exec operations. */
  readonly execs: Execs;
  /** Image operations. */
  readonly images: Images;
  /** Ping, version, info and events. */
  readonly system: System;
  /** Network operations. */
  readonly networks: Networks;
  /** Volume operations. */
  readonly volumes: Volumes;

  constructor(opts: ClientOptions = {}) {
    this.transport = new Transport(opts);
    this.containers = new Containers(this.transport);
    this.execs = new Execs(this.transport);
    this.images = new Images(this.transport);
    this.system = new System(this.transport);
    this.networks = new Networks(this.transport);
    this.volumes = new Volumes(this.transport);
  }

  /** The API version in use (negotiated through `/_ping` on first use). */
  apiVersion(): Promise<string | undefined> {
    return this.transport.apiVersion();
  }

  /** Closes every connection of this client, open streams included. */
  close(): void {
    this.transport.close();
  }
}
