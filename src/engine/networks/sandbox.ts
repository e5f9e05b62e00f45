/**
 * A container's network sandbox: at start, its namespace (`ip netns add`), an address on each
 * of its networks, its published ports, and netavark's setup; at its end, netavark's teardown
 * and the namespace's deletion. Leases live in the containers' records: an address is taken
 * while an endpoint holding it is active.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Container, EndpointRecord, NetworkState } from '../../container/container.ts';
import { portRequests } from '../../container/ports.ts';
import { messageOf, NotFound } from '../../errors.ts';
import { forwardedPortRules } from '../../network/firewall.ts';
import { allocateHostPorts, parseForwardedPorts } from '../../network/host-ports.ts';
import { allocateIp, checkFixedIp, prefixLength } from '../../network/ipam.ts';
import type { Attachment, NetworkRecord, PortMapping, SandboxSpec } from '../../network/types.ts';
import type { BindMount } from '../../runtime/bundle.ts';
import type { Engine } from '../engine.ts';
import { writeEtcFiles } from './etc-files.ts';
import { serialized } from './serial.ts';

/** What the runtime needs of the sandbox. */
export interface Sandbox {
  /** Share the host's namespace. */
  hostNetwork: boolean;
  /** Join this namespace; undefined: a private one with loopback only (`none`). */
  netnsPath?: string;
  /** /etc/hosts, /etc/resolv.conf, /etc/hostname. */
  mounts: BindMount[];
}

const tearing = new WeakMap<Container, Promise<void>>();

/** The container's network state (an older checkpoint has none). */
export function networkState(c: Container): NetworkState {
  return (c.record.Network ??= { endpoints: {}, sandboxKey: '', ports: [] });
}

/** Addresses taken on a network: its active endpoints'. */
export function leases(d: Engine, networkId: string): string[] {
  const out: string[] = [];
  for (const c of d.containers.all()) {
    for (const ep of Object.values(c.record.Network?.endpoints ?? {})) {
      if (ep.networkId === networkId && ep.active) out.push(ep.active.ip);
    }
  }
  return out;
}

/** The container's endpoints in interface order: its NetworkMode's network first (eth0). */
function ordered(c: Container): [string, EndpointRecord][] {
  const eps = Object.entries(networkState(c).endpoints);
  const mode = c.hostConfig.NetworkMode;
  return eps.sort(([a, x], [b, y]) => Number(b === mode || y.networkId === mode) - Number(a === mode || x.networkId === mode));
}

/** The names a container answers to on a network with DNS (beside its name). */
export function dnsAliases(c: Container, ep: EndpointRecord): string[] {
  return [...new Set([...ep.aliases, c.id.slice(0, 12)])];
}

/** Claims an address for an endpoint (synchronously: no other start can take it meanwhile). */
function claimAddress(d: Engine, net: NetworkRecord, ep: EndpointRecord, iface: string): void {
  const subnet = net.subnets[0]!;
  const taken = leases(d, net.id);
  const ip = ep.ipv4Address ? checkFixedIp(subnet, ep.ipv4Address, taken) : allocateIp(subnet, taken);
  ep.active = { endpointId: randomBytes(32).toString('hex'), ip, prefixLen: prefixLength(subnet.subnet), gateway: subnet.gateway, mac: '', interfaceName: iface };
}

/** The sandbox's description for netavark, from the container's active endpoints. */
export function sandboxSpec(d: Engine, c: Container, only?: string): SandboxSpec {
  const st = networkState(c);
  const attachments: Attachment[] = [];
  for (const [name, ep] of ordered(c)) {
    if (!ep.active || (only && name !== only)) continue;
    const net = d.networks.find(ep.networkId);
    if (!net) continue;
    attachments.push({ network: net, interfaceName: ep.active.interfaceName, ips: [ep.active.ip], aliases: net.dns ? dnsAliases(c, ep) : [], mac: ep.macAddress });
  }
  return {
    id: c.id, name: c.name, netnsPath: st.sandboxKey, attachments, ports: only ? [] : st.ports as PortMapping[],
    dnsServers: c.hostConfig.Dns?.length ? c.hostConfig.Dns : d.config.dns,
  };
}

/** Ports this engine's running sandboxes forward, and every netavark DNAT rule on the host. */
async function portsInUse(d: Engine, self: Container): Promise<PortMapping[]> {
  const mine = d.containers.all().filter((c) => c !== self).flatMap((c) => c.record.Network?.ports ?? []) as PortMapping[];
  return [...mine, ...parseForwardedPorts(await forwardedPortRules())];
}

/** Sets the container's network up for a start. On failure nothing of it is left. */
export async function setupSandbox(d: Engine, c: Container, exposed: string[]): Promise<Sandbox> {
  const mode = c.hostConfig.NetworkMode;
  if (mode === 'host') return { hostNetwork: true, mounts: await writeEtcFiles(d, c, { ips: [], networkDns: [], networkSearch: [], host: true }) };
  const st = networkState(c);
  const eps = ordered(c);
  if (mode === 'none' || !eps.length) return { hostNetwork: false, mounts: await writeEtcFiles(d, c, { ips: [], networkDns: [], networkSearch: [], host: false }) };
  await teardownSandbox(d, c); // a leftover of a run that ended without its teardown
  try {
    eps.forEach(([name, ep], i) => {
      const net = d.networks.find(ep.networkId);
      if (!net) throw new NotFound(`network ${name} not found`, 'MOORAGE_NO_SUCH_NETWORK');
      claimAddress(d, net, ep, `eth${i}`);
    });
    const reqs = portRequests(c.hostConfig.PortBindings, exposed, Boolean(c.hostConfig.PublishAllPorts));
    if (reqs.length) {
      await serialized(d, async () => {
        st.ports = await allocateHostPorts(reqs, await portsInUse(d, c));
      });
    }
    st.sandboxKey = await d.netns.create(c.id);
    const result = await d.netavark.setup(sandboxSpec(d, c));
    const dns: string[] = [];
    const search: string[] = [];
    for (const [name, ep] of eps) {
      const r = result[name];
      if (ep.active && r) ep.active.mac = r.mac;
      if (r) { dns.push(...r.dnsServers); search.push(...r.searchDomains); }
    }
    const ips = eps.map(([, ep]) => ep.active!.ip).slice(0, 1);
    const mounts = await writeEtcFiles(d, c, { ips, networkDns: dns, networkSearch: search, host: false });
    return { hostNetwork: false, netnsPath: st.sandboxKey, mounts };
  } catch (err) {
    // netavark's teardown also after its own failed setup: that can leave the bridge behind.
    await releaseSandbox(d, c);
    throw err;
  }
}

/**
 * Tears the container's network down (netavark teardown, namespace deletion) and frees its
 * addresses and ports. Idempotent, and one at a time per container; never throws: a failed
 * teardown is logged and leaves the sandbox recorded (`sandboxKey` set) for a later try.
 */
export function teardownSandbox(d: Engine, c: Container): Promise<void> {
  const running = tearing.get(c);
  if (running) return running;
  const p = releaseSandbox(d, c).finally(() => tearing.delete(c));
  tearing.set(c, p);
  return p;
}

async function releaseSandbox(d: Engine, c: Container): Promise<void> {
  const st = c.record.Network;
  if (!st) return;
  if (st.sandboxKey) {
    try {
      await d.netavark.teardown(sandboxSpec(d, c));
    } catch (err) {
      // Keep the sandbox in the record: the next start, removal or boot tries again; forgetting
      // it would leave its veth, rules and DNS entry behind for good.
      d.log.warn({ err, id: c.id }, 'netavark teardown failed');
      return;
    }
    await d.netns.remove(d.netns.nameFor(c.id)).catch((err: Error) => d.log.warn({ err: messageOf(err), id: c.id }, 'deleting the network namespace failed'));
  }
  for (const ep of Object.values(st.endpoints)) ep.active = null;
  st.ports = [];
  st.sandboxKey = '';
}
