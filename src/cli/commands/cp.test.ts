import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitCpArg, topName } from './cp.ts';

test('splitCpArg reads CONTAINER:PATH, and local paths however they look', () => {
  assert.deepEqual(splitCpArg('web:/etc/passwd'), { container: 'web', path: '/etc/passwd' });
  assert.deepEqual(splitCpArg('web:rel'), { container: 'web', path: 'rel' });
  assert.deepEqual(splitCpArg('/abs/file:name'), { path: '/abs/file:name' });
  assert.deepEqual(splitCpArg('./file:name'), { path: './file:name' });
  assert.deepEqual(splitCpArg('plain'), { path: 'plain' });
  assert.deepEqual(splitCpArg('-'), { path: '-' });
});

test('topName is the name a copy has at the top of its archive', () => {
  assert.equal(topName('/etc/passwd'), 'passwd');
  assert.equal(topName('/etc/'), 'etc');
  assert.equal(topName('/etc/.'), '.');
  assert.equal(topName('.'), '.');
  assert.equal(topName('dir'), 'dir');
});
