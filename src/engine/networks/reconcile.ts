/**
 * Boot's network clean-up after a crash: a sandbox whose container no longer runs is torn down
 * from its record (netavark teardown: veth, rules, DNS entries, the bridge when it was the
 * last), a namespace of this engine that no container claims is deleted, and a network's bridge
 * still up with no container on it (its last teardown was lost) is taken down by netavark
 * itself: a throw-away endpoint joins and leaves, and netavark removes the bridge and its rules
 * as it does after any last container.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { allocateIp } from '../../network/ipam.ts';
import type { NetworkRecord } from '../../network/types.ts';
import type { Engine } from '../engine.ts';
import { teardownSandbox } from './sandbox.ts';
import { membersOf } from './view.ts';

/** Tears down what the engine's last life left of its networks. */
export async function reconcileNetworks(d: Engine): Promise<void> {
  const claimed = new Set<string>();
  for (const c of d.containers.all()) {
    const key = c.record.Network?.sandboxKey;
    if (!key) continue;
    if (c.record.Task) {
      claimed.add(key);
      continue;
    }
    d.log.info({ id: c.id }, 'tearing down the network of a container that is not running');
    await teardownSandbox(d, c);
    await d.containers.checkpoint(c).catch((err: Error) => d.log.error({ err, id: c.id }, 'checkpoint failed'));
  }
  for (const name of await d.netns.list()) {
    const path = `/run/netns/${name}`;
    if (claimed.has(path)) continue;
    d.log.info({ netns: name }, 'deleting a network namespace no container claims');
    await d.netns.remove(name).catch((err: Error) => d.log.warn({ err, netns: name }, 'deleting a leftover namespace failed'));
  }
  for (const n of d.networks.all()) {
    if (n.driver !== 'bridge' || membersOf(d, n.id).length) continue;
    if (!(await access(`/sys/class/net/${n.bridge}`).then(() => true, () => false))) continue;
    await sweepBridge(d, n).catch((err: Error) => d.log.warn({ err, network: n.name }, 'removing a leftover bridge failed'));
  }
}

/** Has netavark remove an idle network's bridge, rules and DNS file through one join and leave. */
async function sweepBridge(d: Engine, n: NetworkRecord): Promise<void> {
  d.log.info({ network: n.name, bridge: n.bridge }, 'removing the bridge of a network no container uses');
  const id = `sweep${randomBytes(30).toString('hex')}`.slice(0, 64);
  const netnsPath = await d.netns.create(id);
  const spec = {
    id, name: `sweep-${id.slice(5, 17)}`, netnsPath, ports: [], dnsServers: [],
    attachments: [{ network: n, interfaceName: 'eth0', ips: [allocateIp(n.subnets[0]!, [])], aliases: [], mac: null }],
  };
  try {
    await d.netavark.setup(spec);
  } finally {
    await d.netavark.teardown(spec);
    await d.netns.remove(d.netns.nameFor(id));
  }
}
