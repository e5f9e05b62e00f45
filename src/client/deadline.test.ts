import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIRECT_KILL_WAIT_MS, FAILED_KILL_WAIT_MS, KILL_WAIT_MS, stopWorstCaseMs } from '../stop-bounds.ts';
import { isSigkill, killDeadlineMs, stopDeadlineMs, DEFAULT_CALL_TIMEOUT_MS, DEADLINE_MARGIN_MS } from './deadline.ts';

test('the engine\'s worst case for a stop is t + 10 s + 2 s + 2 s, as moby\'s stop and kill wait', () => {
  assert.equal(stopWorstCaseMs(5), 5_000 + KILL_WAIT_MS + DIRECT_KILL_WAIT_MS + FAILED_KILL_WAIT_MS);
  assert.equal(stopWorstCaseMs(5), 19_000);
  assert.equal(stopWorstCaseMs(-1), undefined);
});

test('contract: for every t the client\'s stop deadline covers the engine\'s worst case with a margin', () => {
  for (const t of [0, 1, 2, 5, 10, 30, 59, 600, 3600, 2_147_483]) {
    const deadline = stopDeadlineMs(t)!;
    assert.ok(deadline >= stopWorstCaseMs(t)! + DEADLINE_MARGIN_MS, `t=${t}: ${deadline}`);
  }
  assert.equal(stopDeadlineMs(-1), undefined, 'a stop that waits forever has no client deadline');
});

test('stop deadline without a timeout uses the 10 s default', () => {
  assert.equal(stopDeadlineMs(undefined, 0), stopWorstCaseMs(10));
});

test('kill deadline covers the escalation for SIGKILL only', () => {
  for (const s of [undefined, '', 'KILL', 'SIGKILL', 'sigkill', '9', 9]) {
    assert.equal(killDeadlineMs(s, 0), KILL_WAIT_MS + DIRECT_KILL_WAIT_MS, String(s));
  }
  assert.equal(killDeadlineMs('TERM'), DEFAULT_CALL_TIMEOUT_MS);
  assert.equal(isSigkill('15'), false);
  assert.equal(isSigkill('SIGKILLX'), false);
});
