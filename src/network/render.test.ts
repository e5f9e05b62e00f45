import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExtraHost, parseResolvConf, renderHosts, renderResolvConf } from './etc-files.ts';
import { netavarkOptions, parseSetupOutput } from './netavark-options.ts';
import { parseForwardedPorts } from './host-ports.ts';
import type { NetworkRecord } from './types.ts';

test('/etc/hosts: Docker\'s head, extra hosts, then the container\'s address and name', () => {
  const text = renderHosts({ hostname: 'web', ips: ['10.1.0.2'], extraHosts: [parseExtraHost('db:192.0.2.1')!, parseExtraHost('v6=[::1]')!] });
  assert.match(text, /^127\.0\.0\.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n/);
  assert.match(text, /\n192\.0\.2\.1\tdb\n::1\tv6\n10\.1\.0\.2\tweb\n$/);
  assert.equal(parseExtraHost('nocolon'), null);
});

test('/etc/resolv.conf: the network DNS first, else --dns, else the host\'s without loopback servers', () => {
  const host = parseResolvConf('# c\nnameserver 127.0.0.53\nnameserver 192.0.2.53\nsearch corp.test\noptions edns0\n');
  const base = { host, networkDns: [], networkSearch: [], dns: [], dnsSearch: [], dnsOptions: [] };
  assert.equal(renderResolvConf(base), 'nameserver 192.0.2.53\nsearch corp.test\noptions edns0\n');
  assert.equal(renderResolvConf({ ...base, dns: ['192.0.2.9'], dnsSearch: ['x.test'] }), 'nameserver 192.0.2.9\nsearch x.test\noptions edns0\n');
  assert.equal(renderResolvConf({ ...base, networkDns: ['10.1.0.1'], networkSearch: ['dns.podman'], dns: ['192.0.2.9'] }),
    'nameserver 10.1.0.1\nsearch dns.podman corp.test\noptions edns0\n');
});

const net: NetworkRecord = {
  id: 'n'.repeat(64), name: 'app', driver: 'bridge', created: '', bridge: 'mr-nnnnnnnnnnnn', subnets: [{ subnet: '10.1.0.0/24', gateway: '10.1.0.1' }],
  internal: false, dns: true, attachable: false, options: {}, labels: {}, ipamOptions: null, userSubnets: false, predefined: false,
};

test('netavark options: one network entry and info per attachment, ports, DNS servers', () => {
  const o = netavarkOptions({
    id: 'c'.repeat(64), name: 'web', netnsPath: '/run/netns/x', dnsServers: ['192.0.2.53'],
    attachments: [{ network: net, interfaceName: 'eth0', ips: ['10.1.0.2'], aliases: ['www', 'cccccccccccc'], mac: null }],
    ports: [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
  });
  assert.deepEqual(o.networks, { app: { interface_name: 'eth0', static_ips: ['10.1.0.2'], aliases: ['www', 'cccccccccccc'], static_mac: null } });
  assert.deepEqual((o.network_info as Record<string, Record<string, unknown>>).app!.subnets, [{ subnet: '10.1.0.0/24', gateway: '10.1.0.1', lease_range: null }]);
  assert.equal((o.network_info as Record<string, Record<string, unknown>>).app!.network_interface, 'mr-nnnnnnnnnnnn');
  assert.deepEqual(o.port_mappings, [{ host_ip: '127.0.0.1', container_port: 80, host_port: 8080, range: 1, protocol: 'tcp' }]);
  assert.deepEqual(o.dns_servers, ['192.0.2.53']);
});

test('netavark answers: the interface and DNS per network, or its error', () => {
  const r = parseSetupOutput('{"app":{"dns_search_domains":["dns.podman"],"dns_server_ips":["10.1.0.1"],"interfaces":{"eth0":{"mac_address":"aa:bb:cc:dd:ee:ff","subnets":[{"gateway":"10.1.0.1","ipnet":"10.1.0.2/24"}]}}}}');
  assert.deepEqual(r.app, { mac: 'aa:bb:cc:dd:ee:ff', addresses: ['10.1.0.2/24'], gateways: ['10.1.0.1'], dnsServers: ['10.1.0.1'], searchDomains: ['dns.podman'] });
  assert.throws(() => parseSetupOutput('{"error":"no static ips provided"}'), /netavark: no static ips provided/);
});

test('forwarded ports are read from netavark\'s DNAT chain', () => {
  const rules = '-N NETAVARK-HOSTPORT-DNAT\n-A NETAVARK-HOSTPORT-DNAT -p tcp -m tcp --dport 18080 -m comment --comment "dnat name: app id: c" -j NETAVARK-DN-ABC\n-A NETAVARK-HOSTPORT-DNAT -p udp -m udp --dport 53 -j NETAVARK-DN-ABC\n';
  assert.deepEqual(parseForwardedPorts(rules).map((p) => `${p.hostPort}/${p.protocol}`), ['18080/tcp', '53/udp']);
});
