import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SOCKET, formatHost, parseHost, resolveHost } from './host.ts';

test('parses unix, tcp and bare socket addresses', () => {
  assert.deepEqual(parseHost('unix:///tmp/m.sock'), { kind: 'unix', socketPath: '/tmp/m.sock' });
  assert.deepEqual(parseHost('/tmp/m.sock'), { kind: 'unix', socketPath: '/tmp/m.sock' });
  assert.deepEqual(parseHost('tcp://127.0.0.1:2375'), { kind: 'tcp', host: '127.0.0.1', port: 2375 });
  assert.deepEqual(parseHost('tcp://[::1]:80'), { kind: 'tcp', host: '::1', port: 80 });
  assert.deepEqual(parseHost('tcp://example'), { kind: 'tcp', host: 'example', port: 2375 });
});

test('rejects unknown host forms', () => {
  assert.throws(() => parseHost('ssh://x'), TypeError);
  assert.throws(() => parseHost('unix://'), TypeError);
  assert.throws(() => parseHost('tcp://h:99999'), TypeError);
});

test('resolveHost prefers the explicit value, then MOORAGE_HOST, then DOCKER_HOST, then the default', () => {
  assert.deepEqual(resolveHost('unix:///a', { MOORAGE_HOST: 'unix:///b' }), { kind: 'unix', socketPath: '/a' });
  assert.deepEqual(resolveHost(undefined, { MOORAGE_HOST: 'unix:///b', DOCKER_HOST: 'unix:///c' }),
    { kind: 'unix', socketPath: '/b' });
  assert.deepEqual(resolveHost(undefined, { DOCKER_HOST: 'unix:///c' }), { kind: 'unix', socketPath: '/c' });
  assert.deepEqual(resolveHost(undefined, {}), { kind: 'unix', socketPath: DEFAULT_SOCKET });
  assert.equal(formatHost(parseHost('tcp://h:1')), 'tcp://h:1');
});
