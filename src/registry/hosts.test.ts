import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointsFor, isInsecure, parseHostMapping } from './hosts.ts';

const none = { mirrors: [], insecure: [], hosts: {} };

test('loopback registries are always insecure; others only when listed (by host or CIDR)', async () => {
  assert.equal(await isInsecure('127.0.0.1:5000', none), true);
  assert.equal(await isInsecure('[::1]:5000', none), true);
  assert.equal(await isInsecure('localhost:5000', none), true);
  assert.equal(await isInsecure('10.1.2.3:5000', none), false);
  assert.equal(await isInsecure('10.1.2.3:5000', { ...none, insecure: ['10.0.0.0/8'] }), true);
  assert.equal(await isInsecure('reg.example:5000', { ...none, insecure: ['reg.example:5000'] }), true);
});

test('endpoints: mapped hosts first, Docker Hub mirrors for pulls only, HTTPS then HTTP for insecure ones', async () => {
  const s = { mirrors: ['https://mirror.example/'], insecure: [], hosts: Object.fromEntries([parseHostMapping('registry.k8s.io=http://127.0.0.1:5000')]) };
  assert.deepEqual((await endpointsFor('registry.k8s.io', s, 'pull')).map((e) => e.url), ['http://127.0.0.1:5000', 'https://registry.k8s.io']);
  assert.deepEqual((await endpointsFor('docker.io', s, 'pull')).map((e) => e.url), ['https://mirror.example', 'https://registry-1.docker.io']);
  assert.deepEqual((await endpointsFor('docker.io', s, 'push')).map((e) => e.url), ['https://registry-1.docker.io']);
  const local = await endpointsFor('127.0.0.1:5000', none, 'pull');
  assert.deepEqual(local.map((e) => [e.url, e.insecureTls]), [['https://127.0.0.1:5000', true], ['http://127.0.0.1:5000', false]]);
  assert.throws(() => parseHostMapping('registry.k8s.io'), /NAME=URL/);
});
