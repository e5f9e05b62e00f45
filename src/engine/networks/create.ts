/**
 * `POST /networks/create`: a user-defined bridge network with DNS, its subnet given or drawn
 * from the daemon's pools (skipping every subnet in use here or routed on the host), its bridge
 * device `mr-<12 hex>`. Nothing is made on the host until a container joins (netavark then
 * makes the bridge).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Conflict, Forbidden, InvalidParameter } from '../../errors.ts';
import { formatCidr, overlaps, parseCidr } from '../../network/cidr.ts';
import { allocateSubnet, completeSubnet, type SubnetConfig } from '../../network/ipam.ts';
import type { NetworkRecord } from '../../network/types.ts';
import type { NetworkCreateRequest } from '../../wire/networks.ts';
import type { Engine } from '../engine.ts';
import { PREDEFINED } from './predefined.ts';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Docker's bridge-name option: a user may pick the device. */
const BRIDGE_NAME_OPT = 'com.docker.network.bridge.name';

/** Creates a network and publishes `create`. */
export async function createNetwork(d: Engine, body: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
  const name = body?.Name;
  if (!name) throw new InvalidParameter('network name is required');
  if (!NAME_RE.test(name)) throw new InvalidParameter(`invalid network name "${name}"`);
  if (PREDEFINED.includes(name)) {
    throw new Forbidden(`operation is not permitted on predefined ${name} network `, 'MOORAGE_PREDEFINED_NETWORK');
  }
  const driver = body.Driver || 'bridge';
  if (driver !== 'bridge') throw new InvalidParameter(`plugin "${driver}" not found: moorage has the bridge driver only`);
  if (body.EnableIPv6) throw new InvalidParameter('moorage networks are IPv4 only: EnableIPv6 is not supported');
  if (body.ConfigOnly || body.ConfigFrom?.Network) throw new InvalidParameter('config-only networks are not supported');
  const ipamDriver = body.IPAM?.Driver || 'default';
  if (ipamDriver !== 'default') throw new InvalidParameter(`IPAM driver "${ipamDriver}" is not supported`);
  const pools = (body.IPAM?.Config ?? []).filter((p) => p !== null);
  if (pools.length > 1) throw new InvalidParameter('moorage networks have one IPv4 subnet');
  if (pools.some((p) => p.AuxiliaryAddresses && Object.keys(p.AuxiliaryAddresses).length)) {
    throw new InvalidParameter('auxiliary addresses are not supported');
  }
  const id = randomBytes(32).toString('hex');
  const options = { ...(body.Options ?? {}) };
  const bridge = options[BRIDGE_NAME_OPT] || `mr-${id.slice(0, 12)}`;
  if (bridge.length > 15) throw new InvalidParameter(`bridge name ${bridge} is longer than 15 characters`);
  if (d.networks.all().some((n) => n.bridge === bridge)) throw new InvalidParameter(`bridge name ${bridge} is used by another network`);

  const taken = await subnetsInUse(d);
  let subnet: SubnetConfig;
  const req = pools[0];
  if (req?.Subnet) {
    subnet = completeSubnet({ subnet: req.Subnet, gateway: req.Gateway ?? undefined, ipRange: req.IPRange ?? undefined });
    const mine = parseCidr(subnet.subnet);
    if (d.networks.all().some((n) => n.subnets.some((s) => overlaps(parseCidr(s.subnet), mine)))) {
      throw new Conflict('Pool overlaps with other one on this address space', 'MOORAGE_ADDRESS_IN_USE');
    }
  } else {
    if (req?.Gateway || req?.IPRange) throw new InvalidParameter('a gateway or an ip-range needs a subnet');
    subnet = completeSubnet({ subnet: allocateSubnet(d.config.addressPools, taken) });
  }
  const rec: NetworkRecord = {
    id, name, driver: 'bridge', created: new Date().toISOString(), bridge, subnets: [subnet], internal: Boolean(body.Internal),
    dns: true, attachable: Boolean(body.Attachable), options, labels: { ...(body.Labels ?? {}) },
    ipamOptions: body.IPAM?.Options ?? null, userSubnets: Boolean(req?.Subnet), predefined: false,
  };
  await d.networks.put(rec);
  d.events.publish('network', 'create', id, { name, type: 'bridge' });
  return { Id: id, Warning: '' };
}

/** Subnets a new network must not overlap: this engine's networks and the host's routes. */
async function subnetsInUse(d: Engine): Promise<string[]> {
  const mine = d.networks.all().flatMap((n) => n.subnets.map((s) => s.subnet));
  return [...mine, ...(await hostRoutes())];
}

/** The host's IPv4 routes (`/proc/net/route`), default route excluded. */
async function hostRoutes(): Promise<string[]> {
  const text = await readFile('/proc/net/route', 'utf8').catch(() => '');
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const le = (h: string) => Buffer.from(h, 'hex').readUInt32LE(0);
    const dest = le(f[1]!);
    const mask = le(f[7]!);
    if (mask === 0) continue;
    out.push(formatCidr({ base: dest >>> 0, bits: countBits(mask) }));
  }
  return out;
}

function countBits(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x; x >>>= 1) c += x & 1;
  return c;
}
