import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { parseMountFlag, parsePublish, parseTmpfsFlag, parseVolumeFlag } from './parse-net.ts';

test('-p takes docker\'s forms', () => {
  assert.deepEqual(parsePublish('8080:80'), { key: '80/tcp', hostIp: '', hostPort: '8080' });
  assert.deepEqual(parsePublish('127.0.0.1:8080:80'), { key: '80/tcp', hostIp: '127.0.0.1', hostPort: '8080' });
  assert.deepEqual(parsePublish('127.0.0.1::80'), { key: '80/tcp', hostIp: '127.0.0.1', hostPort: '' });
  assert.deepEqual(parsePublish('53:53/udp'), { key: '53/udp', hostIp: '', hostPort: '53' });
  assert.deepEqual(parsePublish('80'), { key: '80/tcp', hostIp: '', hostPort: '' });
  assert.throws(() => parsePublish('80/icmp'), InvalidArgumentError);
  assert.throws(() => parsePublish('x:80'), InvalidArgumentError);
});

test('--mount, --tmpfs and -v', () => {
  assert.deepEqual(parseMountFlag('type=bind,source=/a,target=/b,readonly'), { Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true });
  assert.deepEqual(parseMountFlag('type=tmpfs,dst=/t,tmpfs-size=1024,tmpfs-mode=1777'), { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024, Mode: 0o1777 } });
  assert.deepEqual(parseMountFlag('src=v,target=/d,volume-nocopy'), { Type: 'volume', Source: 'v', Target: '/d', VolumeOptions: { NoCopy: true } });
  assert.throws(() => parseMountFlag('type=bind,source=/a'), InvalidArgumentError);
  assert.deepEqual(parseTmpfsFlag('/run:size=64m,noexec'), ['/run', 'size=64m,noexec']);
  assert.equal(parseVolumeFlag('data:/d:ro'), 'data:/d:ro');
  assert.equal(parseVolumeFlag('/anon'), '/anon');
  assert.throws(() => parseVolumeFlag('data:relative'), InvalidArgumentError);
});
