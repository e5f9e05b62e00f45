import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Container, type ContainerRecord } from '../../container/container.ts';
import { initialState } from '../../container/state.ts';
import { statusString } from '../../container/status-string.ts';
import type { ContainerView } from '../../engine/containers/view.ts';
import { containerInspect, containerSummary } from './wire.ts';

function record(over: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    Id: 'a'.repeat(64), Name: '/web', Created: '2026-01-01T00:00:00.000Z', Path: 'sh', Args: ['-c', 'echo hi there'],
    Image: `sha256:${'b'.repeat(64)}`,
    Config: { Hostname: 'aaaa', User: '', Env: [], Cmd: ['sh'], Entrypoint: null, Image: 'busybox', WorkingDir: '', Labels: { a: '1' }, Tty: false, OpenStdin: false, StdinOnce: false, AttachStdin: false, AttachStdout: true, AttachStderr: true },
    HostConfig: { Binds: ['/src:/dst:ro'], AutoRemove: false, RestartPolicy: { Name: '', MaximumRetryCount: 0 }, Init: null, NetworkMode: 'none' },
    State: initialState(), RestartCount: 0, Task: null, LastStop: null, ...over,
  };
}

test('containerSummary has the fields docker ps reads, with Docker types', () => {
  const c = new Container(record(), '/var/lib/moorage/containers');
  c.state.setRunning(42, new Date('2026-01-01T00:00:10Z'));
  const view: ContainerView = {
    record: c.record, state: c.state.data, status: c.state.status, statusText: statusString(c.state.data, Date.parse('2026-01-01T00:00:13Z')),
    logPath: c.logPath, layers: { lower: '', upper: c.upperDir, work: c.workDir, merged: c.rootfsDir },
    mounts: [{ type: 'bind', source: '/src', target: '/dst', readonly: true, copyData: false, propagation: 'rprivate', tmpfsOptions: [], createSource: true, mode: 'ro', anonymous: false, hostPath: '/src' }],
    files: { hosts: '/h', resolvConf: '/r', hostname: '/n' }, endpoints: [], sandboxKey: '', ports: [], execIds: [],
  };
  const s = containerSummary(view, '1.50');
  assert.equal(s.Id, 'a'.repeat(64));
  assert.deepEqual(s.Names, ['/web']);
  assert.equal(s.Image, 'busybox');
  assert.equal(s.Command, 'sh -c "echo hi there"');
  assert.equal(s.Created, 1767225600);
  assert.equal(s.State, 'running');
  assert.equal(s.Status, 'Up 3 seconds');
  assert.deepEqual(s.Labels, { a: '1' });
  assert.deepEqual(s.Mounts, [{ Type: 'bind', Source: '/src', Destination: '/dst', Mode: 'ro', RW: false, Propagation: 'rprivate' }]);
});

test('NetworkSettings: the default bridge fills the top-level fields; a user network adds the short ID to Aliases below 1.45', () => {
  const c = new Container(record({ HostConfig: { Binds: null, AutoRemove: false, RestartPolicy: { Name: '', MaximumRetryCount: 0 }, Init: null, NetworkMode: 'proj_default', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } } }), '/x');
  c.state.setRunning(42, new Date());
  const active = { endpointId: 'e'.repeat(64), ip: '10.9.0.2', prefixLen: 24, gateway: '10.9.0.1', mac: '02:00:00:00:00:01', interfaceName: 'eth0' };
  const endpoint = { networkId: 'n'.repeat(64), aliases: ['web'], ipv4Address: null, links: null, macAddress: null, active };
  const view: ContainerView = {
    record: c.record, state: c.state.data, status: c.state.status, statusText: '', logPath: '', layers: { lower: '', upper: '', work: '', merged: '' },
    mounts: [], files: { hosts: '/h', resolvConf: '/r', hostname: '/n' }, sandboxKey: '/run/netns/x',
    endpoints: [{ name: 'proj_default', networkId: endpoint.networkId, predefined: false, endpoint, dnsNames: ['web1', 'web', 'aaaaaaaaaaaa'] }],
    ports: [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }], execIds: [],
  };
  const old = containerInspect(view, '1.38').NetworkSettings;
  assert.equal(old.IPAddress, '', 'user networks leave the top-level fields empty');
  assert.deepEqual(old.Networks.proj_default!.Aliases, ['web', 'aaaaaaaaaaaa', 'aaaa'], 'the short ID and the hostname');
  assert.equal(old.Networks.proj_default!.IPAddress, '10.9.0.2');
  assert.equal(old.Networks.proj_default!.DNSNames, undefined);
  assert.deepEqual(old.Ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] });
  const now = containerInspect(view, '1.50').NetworkSettings;
  assert.deepEqual(now.Networks.proj_default!.Aliases, ['web']);
  assert.deepEqual(now.Networks.proj_default!.DNSNames, ['web1', 'web', 'aaaaaaaaaaaa']);
  view.endpoints[0]!.name = 'bridge';
  view.endpoints[0]!.predefined = true;
  assert.equal(containerInspect(view, '1.38').NetworkSettings.IPAddress, '10.9.0.2');
  assert.deepEqual(containerSummary(view, '1.50').Ports, [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]);
});
