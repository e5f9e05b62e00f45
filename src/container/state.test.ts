import { test } from 'node:test';
import assert from 'node:assert/strict';
import { State, statusOf, initialState, ZERO_TIME } from './state.ts';

test('a new container is created, not running, with zero times', () => {
  const s = new State();
  assert.equal(s.status, 'created');
  assert.equal(s.data.StartedAt, ZERO_TIME);
  assert.equal(s.running, false);
});

test('setRunning clears the previous run and setStopped records the exit', () => {
  const s = new State();
  s.setRunning(42);
  assert.equal(s.status, 'running');
  assert.equal(s.data.Pid, 42);
  s.setStopped(143);
  assert.equal(s.status, 'exited');
  assert.equal(s.data.ExitCode, 143);
  assert.equal(s.data.Pid, 0);
  s.setStopped(1, new Date(), 'old');
  s.setOOMKilled(true);
  s.setRunning(43);
  assert.equal(s.data.ExitCode, 0);
  assert.equal(s.data.Error, '');
  assert.equal(s.data.OOMKilled, false);
});

test('status follows moby precedence: paused and restarting imply running', () => {
  const d = initialState();
  d.Running = true; d.Paused = true; d.Restarting = true;
  assert.equal(statusOf(d), 'paused');
  d.Paused = false;
  assert.equal(statusOf(d), 'restarting');
  d.Running = false; d.RemovalInProgress = true; d.Dead = true;
  assert.equal(statusOf(d), 'removing');
  d.RemovalInProgress = false;
  assert.equal(statusOf(d), 'dead');
});

test('wait not-running resolves at once when stopped and on the next stop otherwise', async () => {
  const s = new State();
  assert.deepEqual(await s.wait('not-running').result, { StatusCode: 0, Error: null });
  s.setRunning(1);
  const w = s.wait('not-running');
  let done = false;
  void w.result.then(() => { done = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false);
  s.setStopped(7);
  assert.deepEqual(await w.result, { StatusCode: 7, Error: null });
});

test('wait next-exit never resolves at once and is woken by a policy restart', async () => {
  const s = new State();
  const w = s.wait('next-exit');
  assert.equal(s.waiterCount, 1);
  s.setRunning(1);
  s.setRestarting(3);
  assert.deepEqual(await w.result, { StatusCode: 3, Error: null });
  assert.equal(s.status, 'restarting');
});

test('wait removed is woken only by removal; removal errors reach removed waiters only', async () => {
  const s = new State();
  const removed = s.wait('removed');
  const next = s.wait('next-exit');
  s.setRemovalError('device busy');
  assert.deepEqual(await removed.result, { StatusCode: 0, Error: 'device busy' });
  assert.equal(s.waiterCount, 1);
  s.setRemoved();
  assert.equal((await next.result).StatusCode, 0);
  assert.equal(s.waiterCount, 0);
});

test('a cancelled wait is dropped and reports -1', async () => {
  const s = new State();
  s.setRunning(1);
  const w = s.wait('not-running');
  w.cancel();
  assert.equal(s.waiterCount, 0);
  assert.equal((await w.result).StatusCode, -1);
});

test('a start failure records the error for waiters', async () => {
  const s = new State();
  const w = s.wait('next-exit');
  s.setStartFailed(127, 'exec: "nope": not found');
  assert.deepEqual(await w.result, { StatusCode: 127, Error: 'exec: "nope": not found' });
});
