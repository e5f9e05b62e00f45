/**
 * `POST /networks/{id}/connect` and `/disconnect`: a container joins or leaves a user network.
 * A running container's namespace gets (or loses) the interface at once through netavark; a
 * stopped one's endpoint is only recorded, and set up at its next start.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Container } from '../../container/container.ts';
import { Conflict, Forbidden, InvalidParameter, NotFound } from '../../errors.ts';
import { allocateIp, checkFixedIp, prefixLength } from '../../network/ipam.ts';
import type { NetworkConnectRequest } from '../../wire/networks.ts';
import type { Engine } from '../engine.ts';
import { newEndpoint } from './endpoints.ts';
import { leases, networkState, sandboxSpec } from './sandbox.ts';

/** Connects a container to a network. */
export async function connectNetwork(d: Engine, ref: string, body: NetworkConnectRequest): Promise<void> {
  const net = d.networks.get(ref);
  if (!body?.Container) throw new InvalidParameter('container is required');
  const c = d.containers.get(body.Container);
  const mode = c.hostConfig.NetworkMode;
  if (mode === 'host' || mode === 'none' || net.driver !== 'bridge') {
    throw new Forbidden(`container sharing network namespace with the host or none cannot be connected to other networks`, 'MOORAGE_PREDEFINED_NETWORK');
  }
  const st = networkState(c);
  if (st.endpoints[net.name]) throw new Forbidden(`endpoint with name ${c.name} already exists in network ${net.name}`, 'MOORAGE_NETWORK_IN_USE');
  const ep = newEndpoint(net, body.EndpointConfig ? {
    Aliases: body.EndpointConfig.Aliases, IPAMConfig: body.EndpointConfig.IPAMConfig, Links: body.EndpointConfig.Links,
    MacAddress: body.EndpointConfig.MacAddress,
  } : null);
  await d.inflight.startSettled(c.id);
  st.endpoints[net.name] = ep;
  if (st.sandboxKey) {
    const used = new Set(Object.values(st.endpoints).map((e) => e.active?.interfaceName));
    let i = 0;
    while (used.has(`eth${i}`)) i++;
    const subnet = net.subnets[0]!;
    try {
      const taken = leases(d, net.id);
      const ip = ep.ipv4Address ? checkFixedIp(subnet, ep.ipv4Address, taken) : allocateIp(subnet, taken);
      ep.active = { endpointId: randomBytes(32).toString('hex'), ip, prefixLen: prefixLength(subnet.subnet), gateway: subnet.gateway, mac: '', interfaceName: `eth${i}` };
      const result = await d.netavark.setup(sandboxSpec(d, c, net.name));
      ep.active.mac = result[net.name]?.mac ?? '';
    } catch (err) {
      delete st.endpoints[net.name];
      throw err;
    }
  }
  await d.containers.checkpoint(c);
  d.events.publish('network', 'connect', net.id, { container: c.id, name: net.name, type: 'bridge' });
}

/** Disconnects a container from a network. */
export async function disconnectNetwork(d: Engine, ref: string, body: { Container?: string; Force?: boolean }): Promise<void> {
  const net = d.networks.get(ref);
  if (!body?.Container) throw new InvalidParameter('container is required');
  let c: Container;
  try {
    c = d.containers.get(body.Container);
  } catch (err) {
    if (body.Force && err instanceof NotFound) return;
    throw err;
  }
  if (net.predefined && net.driver !== 'bridge') throw new Forbidden(`container cannot be disconnected from host network or connected to host network`, 'MOORAGE_PREDEFINED_NETWORK');
  const st = networkState(c);
  const ep = st.endpoints[net.name];
  if (!ep) throw new Conflict(`container ${c.id} is not connected to network ${net.name}`);
  await d.inflight.startSettled(c.id);
  if (st.sandboxKey && ep.active) await d.netavark.teardown(sandboxSpec(d, c, net.name));
  delete st.endpoints[net.name];
  await d.containers.checkpoint(c);
  d.events.publish('network', 'disconnect', net.id, { container: c.id, name: net.name, type: 'bridge' });
}
