import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectMounts, parseBind, parseMount, parseTmpfs } from './mounts.ts';
import { portRequests } from './ports.ts';

test('Binds: host paths, volume names, anonymous volumes, and their modes', () => {
  const b = parseBind('/src:/dst:ro,rshared');
  assert.deepEqual([b.type, b.source, b.target, b.readonly, b.propagation, b.createSource], ['bind', '/src', '/dst', true, 'rshared', true]);
  const v = parseBind('data:/d:nocopy');
  assert.deepEqual([v.type, v.source, v.copyData], ['volume', 'data', false]);
  assert.deepEqual([parseBind('/anon').type, parseBind('/anon').source], ['volume', '']);
  assert.throws(() => parseBind('/a:/b:ro,rw'), /invalid mode/);
  assert.throws(() => parseBind('data:/d:rshared'), /invalid mode/);
  assert.throws(() => parseBind('/a:relative'), /must be absolute/);
  assert.throws(() => parseBind('bad name:/d'), /includes invalid characters/);
});

test('Mounts and Tmpfs: moby\'s validation errors', () => {
  assert.throws(() => parseMount({ Type: 'bind', Target: '/t' }), /field Source must not be empty/);
  assert.throws(() => parseMount({ Type: 'volume', Target: '/t', ReadOnly: true }), /must not set ReadOnly mode when using anonymous volumes/);
  assert.throws(() => parseMount({ Type: 'tmpfs', Source: 'x', Target: '/t' }), /field Source must not be specified/);
  assert.throws(() => parseMount({ Type: 'volume', Target: '/t', BindOptions: {} }), /field BindOptions must not be specified/);
  assert.throws(() => parseMount({ Type: 'volume', Target: '' }), /field Target must not be empty/);
  assert.deepEqual(parseMount({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024, Mode: 0o1777 } }).tmpfsOptions,
    ['noexec', 'nosuid', 'nodev', 'mode=1777', 'size=1024']);
  assert.deepEqual(parseTmpfs('/run', 'ro,size=64m').tmpfsOptions, ['noexec', 'nosuid', 'nodev', 'ro', 'size=64m']);
  assert.throws(() => collectMounts({ Binds: ['a1:/x'], Tmpfs: { '/x': '' } }), /Duplicate mount point: \/x/);
});

test('published ports: bindings, -P over exposed ports, validation', () => {
  assert.deepEqual(portRequests({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostPort: '' }] }, ['443/tcp', '80/tcp'], true), [
    { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    { hostIp: '', hostPort: 0, containerPort: 53, protocol: 'udp' },
    { hostIp: '', hostPort: 0, containerPort: 443, protocol: 'tcp' },
  ]);
  assert.deepEqual(portRequests({ '80': null }, [], false), [{ hostIp: '', hostPort: 0, containerPort: 80, protocol: 'tcp' }]);
  assert.throws(() => portRequests({ '80/icmp': [] }, [], false), /invalid port specification/);
  assert.throws(() => portRequests({ '80/tcp': [{ HostPort: 'x' }] }, [], false), /invalid port specification/);
});
