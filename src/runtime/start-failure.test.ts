import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFailure } from './start-failure.ts';

test('a missing command is MOORAGE_COMMAND_NOT_FOUND, in runc\'s and crun\'s words', () => {
  for (const m of ['runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH',
    'executable file `/nonexistent` not found in $PATH: No such file or directory']) {
    const e = startFailure(m);
    assert.equal(e.code, 'MOORAGE_COMMAND_NOT_FOUND');
    assert.equal(e.kind, 'invalid');
    assert.equal(e.message, m);
  }
});

test('a command that cannot run is MOORAGE_COMMAND_NOT_EXECUTABLE; anything else MOORAGE_START_FAILED', () => {
  assert.equal(startFailure('exec: "/etc/passwd": permission denied').code, 'MOORAGE_COMMAND_NOT_EXECUTABLE');
  const other = startFailure('unable to apply cgroup configuration');
  assert.equal(other.code, 'MOORAGE_START_FAILED');
  assert.equal(other.kind, 'system');
});
