/**
 * Host ports for published container ports. netavark only writes DNAT rules and binds nothing,
 * so a taken port must be found here: a port is free when no socket of the host holds it (a
 * test bind) and no netavark rule of any engine forwards it already (the caller passes those).
 * @module
 */
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { SystemError } from '../errors.ts';
import type { PortMapping } from './types.ts';

/** A port asked for: `hostPort` 0 means any free one. */
export type PortRequest = PortMapping;

/** Where Docker falls back to when the kernel's range cannot be read. */
const FALLBACK_RANGE: [number, number] = [49153, 65535];
/** Random draws before giving up on finding a free port. */
const RANDOM_TRIES = 64;

/** The kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`), Docker's source of random ports. */
export async function ephemeralRange(): Promise<[number, number]> {
  const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
  const [lo, hi] = text.trim().split(/\s+/).map(Number);
  return lo && hi && lo < hi ? [lo, hi] : FALLBACK_RANGE;
}

/** True when a socket can bind `ip:port` for the protocol now (it is closed at once). */
export function canBind(protocol: PortMapping['protocol'], ip: string, port: number): Promise<boolean> {
  const host = ip || '0.0.0.0';
  if (protocol === 'udp') {
    return new Promise((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => { s.close(); resolve(false); });
      s.bind({ address: host, port, exclusive: true }, () => s.close(() => resolve(true)));
    });
  }
  if (protocol === 'sctp') return Promise.resolve(true); // Node has no SCTP sockets; rules still clash below
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** True when two bindings would claim the same host port. */
function clash(a: PortMapping, b: PortMapping): boolean {
  return a.protocol === b.protocol && a.hostPort === b.hostPort && (!a.hostIp || !b.hostIp || a.hostIp === b.hostIp);
}

/**
 * Chooses host ports: a fixed one must be free; 0 gets a random free one from the ephemeral
 * range. `taken` are bindings already forwarded (this engine's containers, other engines' rules).
 */
export async function allocateHostPorts(reqs: PortRequest[], taken: PortMapping[]): Promise<PortMapping[]> {
  const out: PortMapping[] = [];
  const [lo, hi] = await ephemeralRange();
  for (const r of reqs) {
    const busy = [...taken, ...out];
    if (r.hostPort) {
      const hostIp = r.hostIp || '0.0.0.0';
      if (busy.some((b) => clash(b, r))) {
        throw new SystemError(`Bind for ${hostIp}:${r.hostPort} failed: port is already allocated`, { code: 'MOORAGE_PORT_IN_USE' });
      }
      if (!(await canBind(r.protocol, r.hostIp, r.hostPort))) {
        throw new SystemError(`failed to bind host port ${hostIp}:${r.hostPort}/${r.protocol}: address already in use`, { code: 'MOORAGE_PORT_IN_USE' });
      }
      out.push(r);
      continue;
    }
    let found: PortMapping | undefined;
    for (let i = 0; i < RANDOM_TRIES && !found; i++) {
      const cand = { ...r, hostPort: lo + Math.floor(Math.random() * (hi - lo + 1)) };
      if (!busy.some((b) => clash(b, cand)) && (await canBind(r.protocol, r.hostIp, cand.hostPort))) found = cand;
    }
    if (!found) throw new SystemError(`no free host port in ${lo}-${hi} for ${r.containerPort}/${r.protocol}`, { code: 'MOORAGE_PORT_IN_USE' });
    out.push(found);
  }
  return out;
}

/**
 * Ports netavark forwards already, from `iptables -t nat -S NETAVARK-HOSTPORT-DNAT` (any engine's,
 * podman's too): `-p tcp -m tcp --dport 8080 … -j NETAVARK-DN-…`. Host addresses are not in
 * these rules (they are in the per-network chain), so each counts as every address.
 */
export function parseForwardedPorts(rules: string): PortMapping[] {
  const out: PortMapping[] = [];
  for (const line of rules.split('\n')) {
    const m = /^-A NETAVARK-HOSTPORT-DNAT -p (tcp|udp|sctp)\b.*--dport (\d+)/.exec(line);
    if (m) out.push({ hostIp: '', hostPort: Number(m[2]), containerPort: 0, protocol: m[1] as PortMapping['protocol'] });
  }
  return out;
}
