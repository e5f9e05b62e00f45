/**
 * netavark's input (its `NetworkOptions` JSON, netavark 1.4 `src/network/types.rs`) and the
 * parsing of its answer. Pure: the runner is netavark.ts.
 * @module
 */
import { SystemError } from '../errors.ts';
import type { SandboxSpec, SetupResult } from './types.ts';

/** The JSON netavark reads on stdin for `setup` and `teardown`. */
export function netavarkOptions(s: SandboxSpec): Record<string, unknown> {
  const networks: Record<string, unknown> = {};
  const info: Record<string, unknown> = {};
  for (const a of s.attachments) {
    const n = a.network;
    networks[n.name] = { interface_name: a.interfaceName, static_ips: a.ips, aliases: a.aliases, static_mac: a.mac };
    info[n.name] = {
      name: n.name, id: n.id, driver: 'bridge', network_interface: n.bridge,
      subnets: n.subnets.map((x) => ({ subnet: x.subnet, gateway: x.gateway, lease_range: null })),
      ipv6_enabled: false, internal: n.internal, dns_enabled: n.dns,
      options: null, ipam_options: { driver: 'host-local' }, network_dns_servers: null,
    };
  }
  return {
    container_id: s.id,
    container_name: s.name,
    networks,
    network_info: info,
    port_mappings: s.ports.length ? s.ports.map((p) => ({
      host_ip: p.hostIp, container_port: p.containerPort, host_port: p.hostPort, range: 1, protocol: p.protocol,
    })) : null,
    dns_servers: s.dnsServers.length ? s.dnsServers : null,
  };
}

interface NetavarkStatus {
  dns_search_domains?: string[];
  dns_server_ips?: string[];
  interfaces?: Record<string, { mac_address: string; subnets?: { ipnet: string; gateway?: string }[] }>;
}

/** Reads netavark's answer to `setup`: per network, the interface and DNS it made. */
export function parseSetupOutput(stdout: string): SetupResult {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new SystemError(`netavark answered something that is not JSON: ${stdout.slice(0, 200)}`, { code: 'MOORAGE_NETWORK_FAILED' });
  }
  if (typeof parsed.error === 'string') throw new SystemError(`netavark: ${parsed.error}`, { code: 'MOORAGE_NETWORK_FAILED' });
  const out: SetupResult = {};
  for (const [name, value] of Object.entries(parsed)) {
    const st = value as NetavarkStatus;
    const iface = Object.values(st.interfaces ?? {})[0];
    out[name] = {
      mac: iface?.mac_address ?? '',
      addresses: (iface?.subnets ?? []).map((x) => x.ipnet),
      gateways: (iface?.subnets ?? []).map((x) => x.gateway ?? '').filter(Boolean),
      dnsServers: st.dns_server_ips ?? [],
      searchDomains: st.dns_search_domains ?? [],
    };
  }
  return out;
}
