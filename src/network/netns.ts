/**
 * Network namespaces as `ip netns` makes them: a namespace bind-mounted on `/run/netns/<name>`,
 * created before the runtime's `create` (the OCI spec joins it by path) and deleted after
 * netavark's teardown. Names carry the engine's tag, so a restarted engine finds its own.
 * @module
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from './exec.ts';

/** Where `ip netns` keeps namespaces. */
export const NETNS_DIR = '/run/netns';

/** The namespaces of one engine. */
export class NetnsManager {
  /** `moorage-<engine tag>-`: every name of this engine starts so. */
  readonly prefix: string;

  constructor(engineTag: string) {
    this.prefix = `moorage-${engineTag}-`;
  }

  /** The namespace name of a container. */
  nameFor(containerId: string): string {
    return this.prefix + containerId.slice(0, 12);
  }

  /** Its path (the OCI spec's and netavark's). */
  pathFor(containerId: string): string {
    return join(NETNS_DIR, this.nameFor(containerId));
  }

  /** Creates the container's namespace (with `lo` down: netavark brings it up). */
  async create(containerId: string): Promise<string> {
    const name = this.nameFor(containerId);
    await this.remove(name); // a leftover of a crash
    await runTool('ip', ['netns', 'add', name]);
    return join(NETNS_DIR, name);
  }

  /** Deletes a namespace by name; one that is gone is fine. */
  async remove(name: string): Promise<void> {
    if (!(await this.list()).includes(name)) return;
    await runTool('ip', ['netns', 'delete', name]);
  }

  /** This engine's namespaces, by name. */
  async list(): Promise<string[]> {
    const names = await readdir(NETNS_DIR).catch(() => [] as string[]);
    return names.filter((n) => n.startsWith(this.prefix));
  }
}
