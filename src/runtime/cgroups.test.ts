import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CGROUP2_MAGIC, TMPFS_MAGIC, layoutOf } from './cgroups.ts';

test('layoutOf tells unified, hybrid and legacy hosts apart by filesystem type', () => {
  assert.equal(layoutOf(CGROUP2_MAGIC, null), 'unified');
  assert.equal(layoutOf(TMPFS_MAGIC, CGROUP2_MAGIC), 'hybrid');
  assert.equal(layoutOf(TMPFS_MAGIC, null), 'legacy');
  assert.equal(layoutOf(TMPFS_MAGIC, TMPFS_MAGIC), 'legacy');
});
