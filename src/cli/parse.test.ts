import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { parseFilters, parseInteger, parseLabels, parseRestart, parseTail, parseTime,
  resolveEnv, splitRepoTag } from './parse.ts';
import { parseDuration } from '../units.ts';

test('integers are parsed strictly', () => {
  assert.equal(parseInteger('5'), 5);
  assert.equal(parseInteger('-1'), -1);
  assert.throws(() => parseInteger('abc'), InvalidArgumentError);
  assert.throws(() => parseInteger('1.5'), InvalidArgumentError);
});

test('tail takes a number or all', () => {
  assert.equal(parseTail('all'), 'all');
  assert.equal(parseTail('3'), 3);
  assert.throws(() => parseTail('x'), InvalidArgumentError);
});

test('env entries keep KEY=VALUE and copy bare KEY from the environment', () => {
  assert.deepEqual(resolveEnv(['A=1', 'B', 'C'], { B: 'two' }), ['A=1', 'B=two']);
  assert.throws(() => resolveEnv(['=x'], {}), InvalidArgumentError);
});

test('labels, filters and restart policies parse like docker', () => {
  assert.deepEqual(parseLabels(['a=b', 'c', 'd=e=f']), { a: 'b', c: '', d: 'e=f' });
  assert.deepEqual(parseFilters(['status=exited', 'label=a=b', 'status=created']),
    { status: ['exited', 'created'], label: ['a=b'] });
  assert.throws(() => parseFilters(['nonsense']), InvalidArgumentError);
  assert.deepEqual(parseRestart('on-failure:3'), { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.deepEqual(parseRestart('always'), { Name: 'always' });
  assert.throws(() => parseRestart('always:3'), InvalidArgumentError);
  assert.throws(() => parseRestart('sometimes'), InvalidArgumentError);
});


test('times accept unix seconds, RFC 3339 and durations before now', () => {
  assert.equal(parseTime('1700000000'), '1700000000');
  assert.equal(parseTime('1700000000.5'), '1700000000.5');
  assert.equal(parseTime('2023-11-14T22:13:20Z'), '1700000000.000000000');
  assert.equal(parseTime('10m', 1_700_000_600_000), '1700000000.000000000');
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('x'), undefined);
  assert.throws(() => parseTime('yesterday'), InvalidArgumentError);
});

test('repo:tag splits, a registry port is not a tag', () => {
  assert.deepEqual(splitRepoTag('a:1'), { repo: 'a', tag: '1' });
  assert.deepEqual(splitRepoTag('localhost:5000/a'), { repo: 'localhost:5000/a', tag: undefined });
});
