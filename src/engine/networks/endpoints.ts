/**
 * A new container's networks from its create request: `HostConfig.NetworkMode` (`default` and
 * empty mean `bridge`; `host`, `none`, or a network's name or ID) and
 * `NetworkingConfig.EndpointsConfig` (aliases, a fixed `--ip`, links, MAC), checked as moby
 * checks them.
 * @module
 */
import type { EndpointRecord, NetworkState } from '../../container/container.ts';
import { InvalidParameter } from '../../errors.ts';
import { checkFixedIp } from '../../network/ipam.ts';
import type { NetworkRecord } from '../../network/types.ts';
import type { Engine } from '../engine.ts';

/** One `EndpointsConfig` value as clients send it (nulls mean absent). */
export interface EndpointRequest {
  IPAMConfig?: { IPv4Address?: string | null } | null;
  Aliases?: string[] | null;
  Links?: string[] | null;
  MacAddress?: string | null;
}

/** The network mode as stored: `default`/empty become `bridge`. */
export function normalizeNetworkMode(mode: string | undefined): string {
  return !mode || mode === 'default' ? 'bridge' : mode;
}

/** A new endpoint on `net`, validated; `running` addresses are checked by the start. */
export function newEndpoint(net: NetworkRecord, req: EndpointRequest | null | undefined): EndpointRecord {
  const aliases = req?.Aliases ?? [];
  const ip = req?.IPAMConfig?.IPv4Address || null;
  if (net.predefined) {
    if (aliases.length) throw new InvalidParameter('network-scoped alias is supported only for containers in user defined networks');
    if (ip) throw new InvalidParameter('user specified IP address is supported on user defined networks only');
  }
  if (ip) {
    if (!net.userSubnets) throw new InvalidParameter('user specified IP address is supported only when connecting to networks with user configured subnets');
    checkFixedIp(net.subnets[0]!, ip, []);
  }
  const mac = req?.MacAddress || null;
  if (mac && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac)) throw new InvalidParameter(`invalid MAC address: ${mac}`);
  return { networkId: net.id, aliases: [...aliases], ipv4Address: ip, links: req?.Links ?? null, macAddress: mac, active: null };
}

/**
 * The container's network state at create. Returns the stored mode and the endpoints; `host`
 * and `none` have none. A network that does not exist is a 404 (`network X not found`).
 */
export function endpointsAtCreate(d: Engine, mode: string | undefined, endpointsConfig: Record<string, EndpointRequest | null> | null | undefined): { mode: string; network: NetworkState } {
  const m = normalizeNetworkMode(mode);
  const network: NetworkState = { endpoints: {}, sandboxKey: '', ports: [] };
  if (m.startsWith('container:')) throw new InvalidParameter('moorage does not support sharing another container\'s network (container:<id>)');
  const primary = d.networks.get(m);
  if (primary.driver !== 'bridge') {
    const extra = Object.keys(endpointsConfig ?? {}).filter((k) => d.networks.find(normalizeNetworkMode(k))?.id !== primary.id);
    if (extra.length) throw new InvalidParameter(`container sharing network namespace with the host or none cannot be connected to other networks`);
    return { mode: primary.name, network };
  }
  // The docker CLI names the default network `default` here too.
  const cfg = Object.fromEntries(Object.entries(endpointsConfig ?? {}).map(([k, v]) => [normalizeNetworkMode(k), v]));
  const reqFor = (n: NetworkRecord) => cfg[n.name] ?? cfg[n.id] ?? Object.entries(cfg).find(([k]) => d.networks.find(k)?.id === n.id)?.[1];
  network.endpoints[primary.name] = newEndpoint(primary, reqFor(primary));
  for (const key of Object.keys(cfg)) {
    const net = d.networks.get(key);
    if (net.id === primary.id || network.endpoints[net.name]) continue;
    if (net.driver !== 'bridge') throw new InvalidParameter(`container cannot be connected to network ${net.name} beside a bridge network`);
    network.endpoints[net.name] = newEndpoint(net, cfg[key]);
  }
  // The mode names the network as the user did: a name given by ID stays an ID, as in moby.
  return { mode: m === primary.id ? primary.id : primary.name, network };
}
