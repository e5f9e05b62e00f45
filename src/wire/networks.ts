/**
 * The networks' wire shapes (Docker Engine API field names), shared by the engine and the SDK.
 * @module
 */

/** One IPAM pool of a network. */
export interface IpamPool {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

/** A container on a network, as network inspect lists it. */
export interface NetworkContainer {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  /** CIDR form. */
  IPv4Address: string;
  IPv6Address: string;
}

/** `GET /networks/{id}` and the elements of `GET /networks`. */
export interface NetworkInspect {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: string;
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: IpamPool[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, NetworkContainer>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/** `POST /networks/create`. */
export interface NetworkCreateRequest {
  Name: string;
  Driver?: string | null;
  Internal?: boolean | null;
  Attachable?: boolean | null;
  Ingress?: boolean | null;
  EnableIPv6?: boolean | null;
  EnableIPv4?: boolean | null;
  IPAM?: { Driver?: string | null; Options?: Record<string, string> | null; Config?: (IpamPool | null)[] | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  CheckDuplicate?: boolean | null;
  ConfigOnly?: boolean | null;
  ConfigFrom?: { Network?: string } | null;
  Scope?: string | null;
}

/** Answer of `POST /networks/create`. */
export interface NetworkCreateResponse {
  Id: string;
  Warning: string;
}

/** `POST /networks/{id}/connect`. */
export interface NetworkConnectRequest {
  Container: string;
  EndpointConfig?: {
    IPAMConfig?: { IPv4Address?: string | null } | null;
    Aliases?: string[] | null;
    Links?: string[] | null;
    MacAddress?: string | null;
  } | null;
}

/** Answer of `POST /networks/prune`. */
export interface NetworkPruneResponse {
  NetworksDeleted: string[];
}
