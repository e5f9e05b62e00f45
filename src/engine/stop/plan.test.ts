import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initFlags, planStop, type StopSettings } from './plan.ts';

const base: StopSettings = { defaultTimeout: 10, init: true, initIsMoorage: true, scope: 'all' };

test('planStop takes the signal and timeout from the request, then the container, then the daemon', () => {
  assert.deepEqual([planStop(base).signal, planStop(base).timeout], [15, 10]);
  const own = { ...base, stopSignal: 'SIGQUIT', stopTimeout: 3 };
  assert.deepEqual([planStop(own).signalName, planStop(own).timeout], ['SIGQUIT', 3]);
  const req = planStop(own, { signal: 'int', timeout: 7 });
  assert.deepEqual([req.signalName, req.timeout], ['SIGINT', 7]);
});

test('planStop says where the signal came from: the request, the container, the image, or the default', () => {
  assert.equal(planStop(base).signalSource, 'default');
  assert.equal(planStop({ ...base, stopSignal: 'SIGQUIT' }).signalSource, 'container');
  assert.equal(planStop({ ...base, stopSignal: 'SIGQUIT', stopSignalFrom: 'image' }).signalSource, 'image');
  assert.equal(planStop({ ...base, stopSignal: 'SIGQUIT', stopSignalFrom: 'image' }, { signal: 'INT' }).signalSource, 'request');
  assert.equal(planStop({ ...base, stopSignal: 'NOPE', stopSignalFrom: 'image' }).signalSource, 'default', 'a bad one falls back to SIGTERM');
});

test('planStop falls back to SIGTERM for a container stop signal that does not parse, and rejects a bad request signal', () => {
  assert.equal(planStop({ ...base, stopSignal: 'NOPE' }).signal, 15);
  assert.throws(() => planStop(base, { signal: 'NOPE' }), { name: 'InvalidParameter', message: 'invalid signal: NOPE' });
});

test('with moorage-init the signal goes to PID 1, which drains every process', () => {
  const p = planStop(base);
  assert.equal(p.deliver, 'pid1');
  assert.equal(p.drains, true);
});

test('the init drains only for the signal it was started with', () => {
  assert.equal(planStop(base, { signal: 'SIGINT' }).drains, false);
  assert.equal(planStop({ ...base, stopSignal: 'SIGINT' }, { signal: 'INT' }).drains, true);
});

test('without an init the signal goes to every process, unless the scope is Docker\'s', () => {
  const none = { ...base, init: false };
  assert.deepEqual([planStop(none).deliver, planStop(none).drains], ['all', false]);
  assert.deepEqual([planStop({ ...none, scope: 'init' }).deliver, planStop({ ...none, scope: 'init' }).drains], ['pid1', false]);
});

test('another init (tini) neither drains nor gets moorage-init flags', () => {
  const tini = { ...base, initIsMoorage: false };
  assert.deepEqual([planStop(tini).deliver, planStop(tini).drains], ['pid1', false]);
});

test('t=0 signals PID 1 only, whatever the scope, and the init may still drain', () => {
  const none = planStop({ ...base, init: false }, { timeout: 0 });
  assert.deepEqual([none.deliver, none.timeout], ['pid1', 0]);
  assert.equal(planStop(base, { timeout: 0 }).drains, true);
});

test('t<0 waits forever; a paused container is thawed after the signal', () => {
  assert.equal(planStop(base, { timeout: -1 }).timeout, -1);
  assert.equal(planStop(base, {}, true).thaw, true);
  assert.equal(planStop(base).thaw, false);
});

test('initFlags give moorage-init the container\'s stop signal, and --no-drain in Docker\'s scope', () => {
  assert.deepEqual(initFlags({ ...base, stopSignal: 'QUIT' }, '/r'), ['--stop-signal', 'SIGQUIT', '--report', '/r']);
  assert.deepEqual(initFlags({ ...base, scope: 'init' }, '/r'), ['--stop-signal', 'SIGTERM', '--report', '/r', '--no-drain']);
});
