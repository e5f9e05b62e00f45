import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planStop } from './plan.ts';
import { describeEnds, parseInitReport, type StopFacts, type Tracked } from './recorder.ts';

const TERM = 1n << 14n;
const proc = (pid: number, nsPid: number, extra: Partial<Tracked> = {}): Tracked => ({
  pid, nsPid, pgrp: pid, startTime: 1, command: `p${nsPid}`, signals: { caught: 0n, ignored: 0n, blocked: 0n }, ...extra,
});
const facts = (plan = planStop({ defaultTimeout: 10, init: false, initIsMoorage: true, scope: 'all' }), init = parseInitReport('')): StopFacts =>
  ({ plan, pid1: 100, exitCode: 0, finishedAt: '2026-01-01T00:00:01.000Z', init });

test('parseInitReport reads reaps, drains and forwards and skips anything else', () => {
  const r = parseInitReport('1000000000 signal 15 all\n2000000000 reaped 7 signaled 15\n3000000000 main 2 exited 0\ngarbage\n4000000000 forward 15 -2\n5000000000 sigkill all\n');
  assert.deepEqual(r.deliveries, [{ at: 1000, signal: 15, to: 'all' }, { at: 4000, signal: 15, to: -2 }, { at: 5000, signal: 9, to: 'all' }]);
  assert.deepEqual(r.reaps, [{ at: 2000, nsPid: 7, how: 'signaled', value: 15, main: false }, { at: 3000, nsPid: 2, how: 'exited', value: 0, main: true }]);
});

test('a process the stop signal killed by its default action is reported signaled, not exited', () => {
  const [, sleep] = describeEnds([proc(100, 1, { signals: { caught: TERM, ignored: 0n, blocked: 0n } }), proc(101, 2, { goneAt: 500 })], facts());
  assert.equal(sleep!.end, 'signaled');
  assert.equal(sleep!.killSignal, 'SIGTERM');
  assert.equal(sleep!.exitCode, 143);
});

test('a process that catches the signal and ends before PID 1 exited; one that ends with PID 1 was killed by the kernel', () => {
  const caught = { caught: TERM, ignored: 0n, blocked: 0n };
  const plan = planStop({ defaultTimeout: 10, init: false, initIsMoorage: true, scope: 'init' });
  const ends = describeEnds([proc(100, 1, { signals: caught }), proc(101, 2, { signals: caught, goneAt: 500 }), proc(102, 3, { signals: caught })], facts(plan));
  assert.deepEqual(ends.map((e) => [e.end, e.signal]), [['exited', 'SIGTERM'], ['exited', null], ['killed-by-kernel', null]]);
});

test('a zombie\'s wait status, when the sampler saw one, is what the report says', () => {
  const [, p] = describeEnds([proc(100, 1), proc(101, 2, { goneAt: 1, waitStatus: 3 << 8 })], facts());
  assert.deepEqual([p!.end, p!.exitCode], ['exited', 3]);
});

test('at t=0 only PID 1 is signalled unless the init reports that it drained', () => {
  const plan = planStop({ defaultTimeout: 10, init: true, initIsMoorage: true, scope: 'all' }, { timeout: 0 });
  const procs = [proc(100, 1), proc(101, 2, { aliveAtDeadline: true })];
  assert.deepEqual(describeEnds(procs, facts(plan)).map((e) => e.signal), ['SIGTERM', null]);
  const drained = describeEnds(procs, facts(plan, parseInitReport('1 signal 15 all\n')));
  assert.deepEqual(drained.map((e) => e.signal), ['SIGTERM', 'SIGTERM']);
  assert.equal(drained[1]!.end, 'killed-at-deadline');
});

test('an init reap record gives the exact ending; the init itself exits with its main process\'s code', () => {
  const plan = planStop({ defaultTimeout: 10, init: true, initIsMoorage: true, scope: 'all' });
  const ends = describeEnds([proc(100, 1), proc(101, 2)], { ...facts(plan, parseInitReport('1 signal 15 all\n2000000 reaped 2 signaled 15\n')), exitCode: 143 });
  assert.deepEqual(ends.map((e) => [e.end, e.exitCode]), [['exited', 143], ['signaled', 143]]);
});

test('a forward to the main child\'s group reaches the processes of that group only', () => {
  const plan = planStop({ defaultTimeout: 10, init: true, initIsMoorage: true, scope: 'init' });
  const procs = [proc(100, 1), proc(101, 2), proc(102, 3, { pgrp: 101 }), proc(103, 4)];
  const ends = describeEnds(procs, facts(plan, parseInitReport('1 forward 15 -2\n')));
  assert.deepEqual(ends.map((e) => e.signal), ['SIGTERM', 'SIGTERM', 'SIGTERM', null]);
});

test('an exec\'d process the init saw end while it waited for it exited at that time', () => {
  const plan = planStop({ defaultTimeout: 10, init: true, initIsMoorage: true, scope: 'all' });
  const caught = { caught: TERM, ignored: 0n, blocked: 0n };
  const report = parseInitReport('1 signal 15 all\n1500000000 gone 9\n');
  assert.deepEqual(report.gone, [{ at: 1500, nsPid: 9 }]);
  const [, exec] = describeEnds([proc(100, 1), proc(109, 9, { signals: caught })], facts(plan, report));
  assert.deepEqual([exec!.end, exec!.signal, exec!.endedAt], ['exited', 'SIGTERM', new Date(1500).toISOString()]);
});
