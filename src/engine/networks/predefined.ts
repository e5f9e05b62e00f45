/**
 * The predefined networks every engine has — `bridge` (the default, on the engine's own bridge
 * device and subnet, without DNS as in Docker), `host` and `none` — made at boot, and the
 * bridge's device and subnet kept in step with the daemon's `--bridge` and `--bip`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { formatCidr, formatIp, parseCidr, parseIp } from '../../network/cidr.ts';
import type { NetworkRecord } from '../../network/types.ts';
import type { Engine } from '../engine.ts';

/** Names that cannot be created, removed, connected to by alias, or pruned. */
export const PREDEFINED = ['bridge', 'host', 'none'];

function base(name: string, driver: NetworkRecord['driver']): NetworkRecord {
  return {
    id: randomBytes(32).toString('hex'), name, driver, created: new Date().toISOString(), bridge: '', subnets: [],
    internal: false, dns: false, attachable: false, options: {}, labels: {}, ipamOptions: null, userSubnets: false, predefined: true,
  };
}

/** The default bridge's subnet and gateway from `--bip` (`10.213.0.1/16`). */
export function bridgeSubnet(bip: string): { subnet: string; gateway: string } {
  const net = parseCidr(bip);
  return { subnet: formatCidr(net), gateway: formatIp(parseIp(bip.split('/')[0]!)) };
}

/** Makes (or updates) the predefined networks. */
export async function ensurePredefined(d: Engine): Promise<void> {
  const want = bridgeSubnet(d.config.bip);
  const bridge = d.networks.byName('bridge') ?? base('bridge', 'bridge');
  const changed = bridge.bridge !== d.config.bridgeName || bridge.subnets[0]?.subnet !== want.subnet || bridge.subnets[0]?.gateway !== want.gateway;
  const inUse = d.containers.all().some((c) => Object.values(c.record.Network?.endpoints ?? {}).some((e) => e.networkId === bridge.id && e.active));
  if (changed && inUse) {
    d.log.warn({ bridge: bridge.bridge, subnet: bridge.subnets[0]?.subnet }, 'the default bridge keeps its device and subnet while containers run on it');
  } else if (changed || !d.networks.byName('bridge')) {
    bridge.bridge = d.config.bridgeName;
    bridge.subnets = [want];
    bridge.options = {
      'com.docker.network.bridge.default_bridge': 'true', 'com.docker.network.bridge.enable_icc': 'true',
      'com.docker.network.bridge.enable_ip_masquerade': 'true', 'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
      'com.docker.network.bridge.name': d.config.bridgeName, 'com.docker.network.driver.mtu': '1500',
    };
    await d.networks.put(bridge);
  }
  if (!d.networks.byName('host')) await d.networks.put(base('host', 'host'));
  if (!d.networks.byName('none')) await d.networks.put(base('none', 'null'));
}
