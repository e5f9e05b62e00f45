import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeBoolFlags } from './argv.ts';

test('--init=false becomes --no-init and --rm=false disappears', () => {
  assert.deepEqual(normalizeBoolFlags(['run', '--init=false', '--rm=false', '-d=true', 'busybox']),
    ['run', '--no-init', '-d', 'busybox']);
});

test('nothing after run\'s image is rewritten', () => {
  assert.deepEqual(normalizeBoolFlags(['run', '--name', 'x', 'busybox', 'prog', '--init=false']),
    ['run', '--name', 'x', 'busybox', 'prog', '--init=false']);
});

test('values of run flags are not taken for the image', () => {
  assert.deepEqual(normalizeBoolFlags(['run', '-e', 'A=1', '--init=true', 'busybox']),
    ['run', '-e', 'A=1', '--init', 'busybox']);
});

test('commit --pause=false becomes --no-pause', () => {
  assert.deepEqual(normalizeBoolFlags(['commit', '--pause=false', 'c', 'r:t']), ['commit', '--no-pause', 'c', 'r:t']);
  assert.deepEqual(normalizeBoolFlags(['commit', '--pause=true', 'c']), ['commit', '--pause', 'c']);
});
