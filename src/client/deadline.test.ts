import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSigkill, killDeadlineMs, stopDeadlineMs, DEFAULT_CALL_TIMEOUT_MS } from './deadline.ts';

test('stop deadline is timeout + 10 s escalation + 2 s + margin', () => {
  assert.equal(stopDeadlineMs(5, 1000), (5 + 10 + 2) * 1000 + 1000);
  assert.ok(stopDeadlineMs(5)! > 17_000);
});

test('stop deadline without a timeout uses the 10 s default', () => {
  assert.equal(stopDeadlineMs(undefined, 0), 22_000);
});

test('stop deadline of t=0 still covers the kill escalation', () => {
  assert.equal(stopDeadlineMs(0, 0), 12_000);
});

test('a negative stop timeout means no deadline', () => {
  assert.equal(stopDeadlineMs(-1), undefined);
});

test('kill deadline covers the escalation for SIGKILL only', () => {
  for (const s of [undefined, '', 'KILL', 'SIGKILL', 'sigkill', '9', 9]) {
    assert.equal(killDeadlineMs(s, 0), 12_000, String(s));
  }
  assert.equal(killDeadlineMs('TERM'), DEFAULT_CALL_TIMEOUT_MS);
  assert.equal(isSigkill('15'), false);
  assert.equal(isSigkill('SIGKILLX'), false);
});
