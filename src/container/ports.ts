/**
 * Docker's published ports: `HostConfig.PortBindings` (`{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}`),
 * `Config.ExposedPorts` and `PublishAllPorts` (`-P`), parsed into the list of ports to forward.
 * Pure.
 * @module
 */
import { InvalidParameter } from '../errors.ts';

/** A port to publish; `hostPort` 0 asks for a free one. */
export interface PortRequest {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

/** Docker's `PortBindings` value. */
export type PortBindings = Record<string, { HostIp?: string; HostPort?: string }[] | null>;

/** Parses `80`, `80/tcp`, `53/udp` into port and protocol (tcp by default). */
export function parsePortKey(key: string): { port: number; protocol: PortRequest['protocol'] } {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/i.exec(key.trim());
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw new InvalidParameter(`invalid port specification: "${key}"`);
  return { port, protocol: (m[2]?.toLowerCase() ?? 'tcp') as PortRequest['protocol'] };
}

function hostPort(s: string | undefined, key: string): number {
  if (!s) return 0;
  if (!/^\d+$/.test(s) || Number(s) > 65535) throw new InvalidParameter(`invalid port specification: "${s}" for ${key}`);
  return Number(s);
}

/**
 * The ports to publish: every binding of `PortBindings`, and with `publishAll` every exposed
 * port without one (on a random host port). Validates every key and host port.
 */
export function portRequests(bindings: PortBindings | null | undefined, exposed: string[], publishAll: boolean): PortRequest[] {
  const out: PortRequest[] = [];
  const bound = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { port, protocol } = parsePortKey(key);
    bound.add(`${port}/${protocol}`);
    for (const b of list?.length ? list : [{}]) {
      out.push({ hostIp: b.HostIp ?? '', hostPort: hostPort(b.HostPort, key), containerPort: port, protocol });
    }
  }
  if (publishAll) {
    for (const key of exposed) {
      const { port, protocol } = parsePortKey(key);
      if (!bound.has(`${port}/${protocol}`)) out.push({ hostIp: '', hostPort: 0, containerPort: port, protocol });
    }
  }
  return out;
}

/** The canonical `port/proto` key. */
export function portKey(port: number, protocol: string): string {
  return `${port}/${protocol}`;
}
