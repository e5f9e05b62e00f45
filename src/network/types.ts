/**
 * The network service's own vocabulary — networks, attachments, port mappings — with no
 * protocol's field names: the Docker door and the CRI door both map onto these.
 * @module
 */
import type { SubnetConfig } from './ipam.ts';

/** A bridge network as the engine keeps it. */
export interface NetworkRecord {
  /** 64 hex. */
  id: string;
  name: string;
  /** `bridge` (user and default networks); `host` and `null` are the predefined non-bridges. */
  driver: 'bridge' | 'host' | 'null';
  /** ISO time. */
  created: string;
  /** The Linux bridge device (`moorage0`, `mr-<12 hex>`); empty for host and none. */
  bridge: string;
  subnets: SubnetConfig[];
  /** No route out: no masquerade, no gateway route (`--internal`). */
  internal: boolean;
  /** Containers resolve each other's names through aardvark-dns (user networks). */
  dns: boolean;
  attachable: boolean;
  /** The driver options the user passed, echoed as given (compose compares them). */
  options: Record<string, string>;
  labels: Record<string, string>;
  /** IPAM options the user passed. */
  ipamOptions: Record<string, string> | null;
  /** The user passed a subnet (not drawn from the pools): shown as given in inspect. */
  userSubnets: boolean;
  /** One of the predefined networks (`bridge`, `host`, `none`). */
  predefined: boolean;
}

/** A container's place on one network, with its address chosen. */
export interface Attachment {
  network: NetworkRecord;
  /** The interface inside the container (`eth0`, `eth1`, …). */
  interfaceName: string;
  /** One address per subnet of the network, in the same order. */
  ips: string[];
  /** Names other containers on the network resolve it by (beside its name). */
  aliases: string[];
  /** A fixed MAC, or null for a random one. */
  mac: string | null;
}

/** A published port. */
export interface PortMapping {
  /** `''`: every host address. */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

/** What setting up a sandbox's networks gave: per network, the interface's MAC and addresses. */
export interface SetupResult {
  [network: string]: {
    mac: string;
    /** `a.b.c.d/n` per subnet. */
    addresses: string[];
    gateways: string[];
    /** Where the container's resolv.conf should point (the network's DNS), if it has one. */
    dnsServers: string[];
    searchDomains: string[];
  };
}

/** A container's network namespace with everything netavark needs to set it up and tear it down. */
export interface SandboxSpec {
  /** The container's ID. */
  id: string;
  /** Its name: the first DNS name on every network. */
  name: string;
  /** The network namespace's path. */
  netnsPath: string;
  attachments: Attachment[];
  ports: PortMapping[];
  /** Upstream servers for this container's lookups of other names (`--dns`), or none. */
  dnsServers: string[];
}
