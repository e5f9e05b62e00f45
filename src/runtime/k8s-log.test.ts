import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogLine, parseTimeNano } from './k8s-log.ts';
import { formatTimeNano } from '../api/docker/timestamps.ts';

test('parseLogLine reads full and partial records from both streams', () => {
  const full = parseLogLine('2026-11-22T22:01:55.104251838+00:00 stdout F hello stdout')!;
  assert.equal(full.stream, 'stdout');
  assert.equal(full.text, 'hello stdout\n');
  const part = parseLogLine('2026-11-22T22:01:55.104251838+00:00 stderr P partial')!;
  assert.equal(part.stream, 'stderr');
  assert.equal(part.text, 'partial');
  assert.equal(parseLogLine('2026-11-22T22:01:55Z stdout F ')!.text, '\n');
  assert.equal(parseLogLine('garbage'), null);
  assert.equal(parseLogLine('2026-11-22T22:01:55Z bogus F x'), null);
});

test('timestamps keep nanoseconds and zone offsets', () => {
  const ns = parseTimeNano('2026-11-22T23:01:55.104251838+01:00')!;
  assert.equal(formatTimeNano(ns), '2026-11-22T22:01:55.104251838Z');
  assert.equal(formatTimeNano(parseTimeNano('2026-11-22T22:01:55.5Z')!), '2026-11-22T22:01:55.500000000Z');
  assert.equal(parseTimeNano('yesterday'), null);
});
