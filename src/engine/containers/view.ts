/**
 * What the engine shows of a container to its front doors: the record, the state with its
 * status, the human status, the mounts, its networks and the paths of its layers and files. The
 * doors shape it for their protocol (Docker's inspect and list, CRI's status); none of them
 * reads the model directly.
 * @module
 */
import type { Container, EndpointRecord, MountRecord } from '../../container/container.ts';
import { statusString } from '../../container/status-string.ts';
import type { PortRequest } from '../../container/ports.ts';
import type { Engine } from '../engine.ts';
import { dnsAliases } from '../networks/sandbox.ts';
import { mountsOf } from '../volumes/mounts.ts';

/** A mount as shown: a volume's host path resolved. */
export interface MountView extends MountRecord {
  /** The host path mounted: the bind source, or the volume's data directory. */
  hostPath: string;
}

/** One network of a container as shown. */
export interface EndpointView {
  name: string;
  networkId: string;
  /** A predefined network (`bridge`): no aliases, no DNS. */
  predefined: boolean;
  endpoint: EndpointRecord;
  /** Every name it resolves by on this network (none without DNS). */
  dnsNames: string[];
}

/** A container as the doors see it. */
export function containerView(d: Engine, c: Container, now = Date.now()) {
  const img = d.images.find(c.record.Image);
  const net = c.record.Network;
  const endpoints: EndpointView[] = Object.entries(net?.endpoints ?? {}).map(([name, ep]) => {
    const n = d.networks.find(ep.networkId);
    const dns = Boolean(n?.dns);
    return {
      name, networkId: ep.networkId, predefined: n?.predefined ?? false, endpoint: ep,
      dnsNames: dns ? [...new Set([c.name, ...dnsAliases(c, ep), c.config.Hostname])] : [],
    };
  });
  return {
    record: c.record,
    state: c.state.data,
    status: c.state.status,
    /** Docker's Status column (`Up 3 seconds`). */
    statusText: statusString(c.state.data, now),
    logPath: c.logPath,
    layers: { lower: img ? d.images.rootfs(img) : '', upper: c.upperDir, work: c.workDir, merged: c.rootfsDir },
    mounts: mountsOf(c).map((m): MountView => ({ ...m, hostPath: m.type === 'volume' ? d.volumes.dataPath(m.source) : m.source })),
    files: { hosts: c.hostsPath, resolvConf: c.resolvConfPath, hostname: c.hostnamePath },
    endpoints,
    /** The namespace's path while the sandbox is up. */
    sandboxKey: net?.sandboxKey ?? '',
    /** Published ports with their chosen host ports, while running. */
    ports: (net?.ports ?? []) as PortRequest[],
    /** Its exec instances that still run (Docker's `ExecIDs`). */
    execIds: d.execs.of(c.id).filter((e) => e.Running).map((e) => e.ID),
  };
}

/** A container view. */
export type ContainerView = ReturnType<typeof containerView>;

/** Finds a container by full ID, name or unique ID prefix (moby's lookup); 404 otherwise. */
export function getContainer(d: Engine, ref: string): Container {
  return d.containers.get(ref);
}
