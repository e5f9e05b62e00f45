import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSignal, signalName } from './signals.ts';
import { InvalidParameter } from '../errors.ts';

test('parseSignal accepts names with and without SIG, in any case, and numbers', () => {
  assert.equal(parseSignal('TERM'), 15);
  assert.equal(parseSignal('SIGTERM'), 15);
  assert.equal(parseSignal('term'), 15);
  assert.equal(parseSignal('15'), 15);
  assert.equal(parseSignal('sigkill'), 9);
  assert.equal(parseSignal('USR1'), 10);
});

test('parseSignal understands real-time signals relative to RTMIN and RTMAX', () => {
  assert.equal(parseSignal('RTMIN'), 34);
  assert.equal(parseSignal('RTMIN+3'), 37);
  assert.equal(parseSignal('SIGRTMAX-1'), 63);
  assert.equal(parseSignal('RTMAX'), 64);
});

test('parseSignal rejects 0, unknown names and numbers outside Linux with moby messages', () => {
  assert.throws(() => parseSignal('0'), { name: 'InvalidParameter', message: 'invalid signal: 0' });
  assert.throws(() => parseSignal('FOO'), { message: 'invalid signal: FOO' });
  assert.throws(() => parseSignal('RTMIN+16'), InvalidParameter);
  assert.throws(() => parseSignal('65'), { message: 'the Linux daemon does not support signal 65' });
  assert.throws(() => parseSignal('-1'), InvalidParameter);
  assert.throws(() => parseSignal(''), InvalidParameter);
});

test('signalName gives canonical names', () => {
  assert.equal(signalName(15), 'SIGTERM');
  assert.equal(signalName(6), 'SIGABRT');
  assert.equal(signalName(37), 'SIGRTMIN+3');
});
