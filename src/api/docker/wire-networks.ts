/**
 * Docker's network and volume shapes, built from the engine's views.
 * @module
 */
import type { NetworkView } from '../../engine/networks/view.ts';
import type { VolumeView } from '../../engine/volumes/operations.ts';
import type { NetworkInspect } from '../../wire/networks.ts';
import type { Volume } from '../../wire/volumes.ts';

/** `GET /networks/{id}`; a listing (`full` false) has `Containers` empty, as moby ≥ 1.28. */
export function networkInspect(v: NetworkView, full: boolean): NetworkInspect {
  const n = v.record;
  const containers: NetworkInspect['Containers'] = {};
  if (full) {
    for (const m of v.members) {
      containers[m.id] = { Name: m.name, EndpointID: m.endpointId, MacAddress: m.mac, IPv4Address: `${m.ip}/${m.prefixLen}`, IPv6Address: '' };
    }
  }
  const driver = n.driver === 'null' ? 'null' : n.driver;
  return {
    Name: n.name, Id: n.id, Created: n.created, Scope: 'local', Driver: driver, EnableIPv4: true, EnableIPv6: false,
    IPAM: {
      Driver: 'default', Options: n.ipamOptions,
      Config: n.subnets.map((s) => ({ Subnet: s.subnet, Gateway: s.gateway, ...(s.ipRange ? { IPRange: s.ipRange } : {}) })),
    },
    Internal: n.internal, Attachable: n.attachable, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: containers, Options: n.options, Labels: n.labels,
  };
}

/** A volume. */
export function volumeJson(v: VolumeView): Volume {
  const r = v.record;
  return {
    Name: r.name, Driver: r.driver, Mountpoint: v.mountpoint, CreatedAt: r.createdAt,
    Labels: Object.keys(r.labels).length ? r.labels : null, Options: Object.keys(r.options).length ? r.options : null, Scope: 'local',
  };
}
