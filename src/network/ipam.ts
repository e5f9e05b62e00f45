/**
 * Address management for host-local networks (netavark does not allocate: the caller keeps the
 * leases). Pure functions: the caller says which addresses and subnets are taken.
 * @module
 */
import { Conflict, InvalidParameter } from '../errors.ts';
import { contains, formatCidr, formatIp, overlaps, parseCidr, parseIp, size, type Cidr } from './cidr.ts';

/** One subnet of a network, as stored. */
export interface SubnetConfig {
  /** `a.b.c.d/n` */
  subnet: string;
  /** The bridge's address. */
  gateway: string;
  /** Addresses handed out come from this sub-range (`--ip-range`), when set. */
  ipRange?: string;
}

/** A pool of subnets to carve user networks from (`--default-address-pool base=…,size=…`). */
export interface AddressPool {
  base: string;
  size: number;
}

/**
 * Completes a requested subnet: validates it, picks the gateway (the first host address, as
 * Docker does) and checks that the gateway and the range lie inside it.
 */
export function completeSubnet(req: { subnet: string; gateway?: string; ipRange?: string }): SubnetConfig {
  const net = parseCidr(req.subnet, true);
  if (net.bits > 30) throw new InvalidParameter(`subnet ${req.subnet} is too small: at least a /30 is needed`);
  let gateway = net.base + 1;
  if (req.gateway) {
    gateway = parseIp(req.gateway);
    if (!contains(net, gateway)) throw new InvalidParameter(`no matching subnet for gateway ${req.gateway}`);
  }
  const out: SubnetConfig = { subnet: formatCidr(net), gateway: formatIp(gateway) };
  if (req.ipRange) {
    const range = parseCidr(req.ipRange, true);
    if (!(contains(net, range.base) && range.bits >= net.bits)) {
      throw new InvalidParameter(`no matching subnet for range ${req.ipRange}`);
    }
    out.ipRange = formatCidr(range);
  }
  return out;
}

/**
 * The first subnet of `size` bits from the pools that overlaps nothing in `taken` (the engine's
 * networks and the host's routes), as Docker picks one; a 409-class error when all are used.
 */
export function allocateSubnet(pools: AddressPool[], taken: string[]): string {
  const used = taken.map((t) => parseCidr(t));
  for (const pool of pools) {
    const base = parseCidr(pool.base);
    const step = 2 ** (32 - pool.size);
    for (let n = base.base; n < base.base + size(base); n += step) {
      const cand: Cidr = { base: n >>> 0, bits: pool.size };
      if (!used.some((u) => overlaps(u, cand))) return formatCidr(cand);
    }
  }
  throw new Conflict('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}

/**
 * The next free address of a subnet for a container: the lowest in the range (or the subnet)
 * that is not the network address, the broadcast, the gateway or taken.
 */
export function allocateIp(s: SubnetConfig, taken: Iterable<string>): string {
  const net = parseCidr(s.subnet);
  const range = s.ipRange ? parseCidr(s.ipRange) : net;
  const used = new Set([...taken].map(parseIp));
  used.add(parseIp(s.gateway));
  const first = Math.max(range.base, net.base + 1);
  const last = Math.min(range.base + size(range) - 1, net.base + size(net) - 2);
  for (let ip = first; ip <= last; ip++) {
    if (!used.has(ip)) return formatIp(ip);
  }
  throw new Conflict(`no available IPv4 addresses on network subnet ${s.subnet}`);
}

/** Checks a fixed address (`--ip`) against a subnet and the taken ones. */
export function checkFixedIp(s: SubnetConfig, ip: string, taken: Iterable<string>): string {
  const n = parseIp(ip);
  const net = parseCidr(s.subnet);
  if (!contains(net, n)) throw new InvalidParameter(`no configured subnet or ip-range contain the IP address ${ip}`);
  if (n === net.base || n === net.base + size(net) - 1 || ip === s.gateway) {
    throw new InvalidParameter(`invalid address ${ip}: it is the subnet's network, broadcast or gateway address`);
  }
  if ([...taken].includes(formatIp(n))) throw new Conflict(`Address already in use: ${ip}`);
  return formatIp(n);
}

/** The prefix length of a subnet. */
export function prefixLength(subnet: string): number {
  return parseCidr(subnet).bits;
}
