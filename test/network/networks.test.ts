/**
 * Networks through the docker CLI, on netavark: user networks with DNS by name and alias, the
 * default bridge, host and none, IPAM, internal networks, connect/disconnect, the files
 * containers resolve with, and that nothing is left on the host when containers, networks or
 * the engine (even a SIGKILLed one) go. Traffic goes only to this engine's own bridges.
 * @module
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../helpers/api.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { defaultBridge, leftovers, linksOf, namespacesOf, userBridge } from '../helpers/host-net.ts';

const HTTPD = (text: string) => ['sh', '-c', `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www`];

describe('networks', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  test('two containers on a user network reach each other by name and by alias; rm leaves nothing', async () => {
    const net = await d.docker(['network', 'create', '--label', 'team=a', 'appnet']);
    assert.equal(net.code, 0, net.stderr);
    const netId = net.stdout.trim();
    const web = await d.docker(['run', '-d', '--name', 'web', '--network', 'appnet', '--network-alias', 'www', 'busybox', ...HTTPD('hello-by-name')]);
    assert.equal(web.code, 0, web.stderr);
    const get = await d.docker(['run', '--rm', '--network', 'appnet', 'busybox', 'sh', '-c',
      'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://web/ && wget -qO- http://www/ && exit 0; sleep 0.3; done; exit 1']);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.stdout, 'hello-by-name\nhello-by-name\n');
    const inspect = JSON.parse((await d.docker(['network', 'inspect', 'appnet'])).stdout)[0];
    assert.deepEqual(inspect.Labels, { team: 'a' });
    assert.equal(inspect.Driver, 'bridge');
    const members = Object.values(inspect.Containers) as { Name: string; IPv4Address: string }[];
    assert.deepEqual(members.map((m) => m.Name), ['web']);
    assert.match(members[0]!.IPv4Address, /^10\.\d+\.\d+\.2\/24$/);
    const ns = JSON.parse((await d.docker(['inspect', '-f', '{{json .NetworkSettings}}', 'web'])).stdout);
    assert.equal(ns.IPAddress, '', 'user networks leave the top-level address empty');
    assert.equal(ns.Networks.appnet.NetworkID, netId);
    // DNSNames came with API 1.44: asked for at that version, whatever the CLI speaks.
    const dnsNames = (JSON.parse((await call(d.socket, 'GET', '/v1.45/containers/web/json')).body) as { NetworkSettings: { Networks: Record<string, { DNSNames: string[] }> } })
      .NetworkSettings.Networks.appnet!.DNSNames;
    assert.deepEqual(dnsNames, ['web', 'www', dnsNames[2]]);
    assert.equal((await linksOf([userBridge(netId)])).length > 1, true, 'the bridge and the veth exist while web runs');
    const rmInUse = await d.docker(['network', 'rm', 'appnet']);
    assert.notEqual(rmInUse.code, 0);
    assert.match(rmInUse.stderr, /has active endpoints/);
    assert.equal((await d.docker(['rm', '-f', 'web'])).code, 0);
    assert.deepEqual(await leftovers(d, [netId]), []);
    assert.equal((await d.docker(['network', 'rm', 'appnet'])).code, 0);
    assert.equal((await d.docker(['network', 'inspect', 'appnet'])).code, 1);
  });

  test('the default bridge: its own device, Docker\'s top-level fields, no DNS; host and none', async () => {
    const id = (await d.docker(['run', '-d', 'busybox', 'sleep', '60'])).stdout.trim();
    const ns = JSON.parse((await d.docker(['inspect', '-f', '{{json .NetworkSettings}}', id])).stdout);
    assert.match(ns.IPAddress, new RegExp(`^10\\.${150 + d.slot}\\.0\\.\\d+$`));
    assert.equal(ns.Gateway, `10.${150 + d.slot}.0.1`);
    assert.equal(ns.Networks.bridge.IPAddress, ns.IPAddress);
    assert.equal(ns.Networks.bridge.Aliases, null);
    assert.match(ns.SandboxKey, /^\/run\/netns\/moorage-/);
    assert.equal((await linksOf([defaultBridge(d)]))[0], defaultBridge(d));
    const bridge = JSON.parse((await d.docker(['network', 'inspect', 'bridge'])).stdout)[0];
    assert.equal(bridge.Options['com.docker.network.bridge.name'], defaultBridge(d));
    assert.equal((await d.docker(['rm', '-f', id])).code, 0);
    const none = await d.docker(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net']);
    assert.equal(none.stdout, 'lo\n');
    const host = await d.docker(['run', '--rm', '--network', 'host', 'busybox', 'sh', '-c', 'ls /sys/class/net | grep -cx eth0']);
    assert.equal(host.stdout, '1\n', 'the host\'s interfaces');
    assert.deepEqual(await leftovers(d), []);
    for (const n of ['bridge', 'host', 'none']) {
      const rm = await d.docker(['network', 'rm', n]);
      assert.match(rm.stderr, /pre-defined network and cannot be removed/);
    }
    assert.match((await d.docker(['network', 'create', 'host'])).stderr, /predefined host network/);
  });

  test('IPAM: a given subnet, gateway, range and fixed --ip; --internal; connect and disconnect; prune', async () => {
    const b = 150 + d.slot;
    const created = await d.docker(['network', 'create', '--subnet', `10.${b}.200.0/24`, '--gateway', `10.${b}.200.254`,
      '--ip-range', `10.${b}.200.128/25`, '--internal', 'ipamnet']);
    assert.equal(created.code, 0, created.stderr);
    const inspect = JSON.parse((await d.docker(['network', 'inspect', 'ipamnet'])).stdout)[0];
    assert.deepEqual(inspect.IPAM.Config, [{ Subnet: `10.${b}.200.0/24`, Gateway: `10.${b}.200.254`, IPRange: `10.${b}.200.128/25` }]);
    assert.equal(inspect.Internal, true);
    const fixed = await d.docker(['run', '-d', '--name', 'fixed', '--network', 'ipamnet', '--ip', `10.${b}.200.77`, 'busybox', ...HTTPD('fixed')]);
    assert.equal(fixed.code, 0, fixed.stderr);
    const ip = (await d.docker(['inspect', '-f', '{{.NetworkSettings.Networks.ipamnet.IPAddress}}', 'fixed'])).stdout.trim();
    assert.equal(ip, `10.${b}.200.77`);
    const ranged = await d.docker(['run', '--rm', '--network', 'ipamnet', 'busybox', 'sh', '-c',
      `ip -4 -o addr show eth0; ip route | grep -c default || true; for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://fixed/ && exit 0; sleep 0.3; done`]);
    assert.match(ranged.stdout, new RegExp(`inet 10\\.${b}\\.200\\.128/24`), 'the first address of the range');
    assert.match(ranged.stdout, /\n0\n/, 'an internal network has no default route');
    assert.match(ranged.stdout, /fixed\n$/);
    const taken = await d.docker(['run', '--rm', '--network', 'ipamnet', '--ip', `10.${b}.200.77`, 'busybox', 'true']);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, /Address already in use/);
    // connect a running container on the default bridge to ipamnet, then disconnect it
    const other = (await d.docker(['run', '-d', 'busybox', 'sleep', '60'])).stdout.trim();
    assert.equal((await d.docker(['network', 'connect', '--alias', 'joiner', 'ipamnet', other])).code, 0);
    const joined = await d.docker(['run', '--rm', '--network', 'ipamnet', 'busybox', 'sh', '-c', 'nslookup joiner >/dev/null && echo found']);
    assert.equal(joined.stdout, 'found\n', joined.stderr);
    assert.match((await d.docker(['inspect', '-f', '{{json .NetworkSettings.Networks}}', other])).stdout, /"ipamnet"/);
    assert.equal((await d.docker(['network', 'disconnect', 'ipamnet', other])).code, 0);
    assert.doesNotMatch((await d.docker(['inspect', '-f', '{{json .NetworkSettings.Networks}}', other])).stdout, /"ipamnet"/);
    assert.equal((await d.docker(['rm', '-f', other, 'fixed'])).code, 0);
    await d.docker(['network', 'create', 'spare']);
    const recent = await d.docker(['network', 'prune', '-f', '--filter', 'until=24h']);
    assert.doesNotMatch(recent.stdout, /spare/, 'a network made just now is not older than 24h');
    assert.match((await d.docker(['network', 'prune', '-f', '--filter', 'until=soon'])).stderr, /failed to parse value as time or duration/);
    const pruned = await d.docker(['network', 'prune', '-f']);
    assert.match(pruned.stdout, /ipamnet/);
    assert.match(pruned.stdout, /spare/);
    assert.equal((await d.docker(['network', 'ls', '-q'])).stdout.trim().split('\n').length, 3, 'the predefined ones stay');
  });

  test('--hostname, --add-host and --dns are written into /etc/hosts, /etc/hostname and /etc/resolv.conf', async () => {
    const r = await d.docker(['run', '--rm', '--hostname', 'myhost', '--add-host', 'db.local:192.0.2.10', '--dns', '192.0.2.53',
      '--dns-search', 'example.test', 'busybox', 'sh', '-c', 'cat /etc/hostname /etc/hosts /etc/resolv.conf; hostname']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^myhost\n/);
    assert.match(r.stdout, /192\.0\.2\.10\tdb\.local\n/);
    assert.match(r.stdout, /\n10\.\d+\.0\.\d+\tmyhost\n/);
    assert.match(r.stdout, /nameserver 192\.0\.2\.53\nsearch example\.test\n/);
    assert.match(r.stdout, /myhost\n$/);
    await d.docker(['network', 'create', 'dnsnet']);
    const user = await d.docker(['run', '--rm', '--network', 'dnsnet', '--dns', '192.0.2.53', 'busybox', 'cat', '/etc/resolv.conf']);
    assert.match(user.stdout, new RegExp(`^nameserver 10\\.${150 + d.slot}\\.\\d+\\.1\\n`), 'the network\'s own DNS (aardvark-dns on the gateway)');
    assert.equal((await d.docker(['network', 'rm', 'dnsnet'])).code, 0);
  });

  test('an engine SIGKILLed with containers on a user network: its next start tears their networks down', async () => {
    const other = await startDaemon();
    try {
      const netId = (await other.docker(['network', 'create', 'crashnet'])).stdout.trim();
      const id = (await other.docker(['run', '-d', '--network', 'crashnet', '-p', '127.0.0.1::80', 'busybox', 'sleep', '600'])).stdout.trim();
      const pid = Number((await other.docker(['inspect', '-f', '{{.State.Pid}}', id])).stdout);
      assert.equal((await namespacesOf(other)).length, 1);
      process.kill(other.pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      process.kill(pid, 'SIGKILL'); // it dies while no engine runs
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await namespacesOf(other)).length, 1, 'nobody tore it down yet');
      const again = await startDaemon({ dataRoot: other.dataRoot, execRoot: other.execRoot, slot: other.slot });
      try {
        const deadline = Date.now() + 15_000;
        while ((await leftovers(again, [netId])).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(await leftovers(again, [netId]), []);
        assert.equal((await again.docker(['inspect', '-f', '{{.State.Status}}', id])).stdout.trim(), 'exited');
      } finally {
        await again.stop();
      }
    } finally {
      await other.stop();
    }
  });
});
