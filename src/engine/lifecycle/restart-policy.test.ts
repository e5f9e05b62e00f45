import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextDelay, shouldRestart } from './restart-policy.ts';

const facts = { exitCode: 1, restartCount: 0, manuallyStopped: false, cancelled: false };

test('always restarts, unless-stopped only when not stopped by hand, no never', () => {
  assert.equal(shouldRestart({ Name: 'always', MaximumRetryCount: 0 }, { ...facts, exitCode: 0, manuallyStopped: true }), true);
  assert.equal(shouldRestart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, facts), true);
  assert.equal(shouldRestart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, { ...facts, manuallyStopped: true }), false);
  assert.equal(shouldRestart({ Name: 'no', MaximumRetryCount: 0 }, facts), false);
  assert.equal(shouldRestart({ Name: '', MaximumRetryCount: 0 }, facts), false);
});

test('on-failure restarts non-zero exits up to the maximum count (0 is unlimited)', () => {
  const p = { Name: 'on-failure' as const, MaximumRetryCount: 2 };
  assert.equal(shouldRestart(p, { ...facts, exitCode: 0 }), false);
  assert.equal(shouldRestart(p, { ...facts, restartCount: 1 }), true);
  assert.equal(shouldRestart(p, { ...facts, restartCount: 2 }), false);
  assert.equal(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 0 }, { ...facts, restartCount: 99 }), true);
});

test('a cancelled policy never restarts', () => {
  assert.equal(shouldRestart({ Name: 'always', MaximumRetryCount: 0 }, { ...facts, cancelled: true }), false);
});

test('backoff starts at 100 ms, doubles to a minute, and resets after a 10 s run', () => {
  assert.equal(nextDelay(0, 5), 100);
  assert.equal(nextDelay(100, 5), 200);
  assert.equal(nextDelay(40_000, 5), 60_000);
  assert.equal(nextDelay(60_000, 5), 60_000);
  assert.equal(nextDelay(6_400, 10_000), 100);
});
