import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanSize, shortId } from './humanize.ts';
import { formatTable } from './table.ts';
import { ellipsis, psRow } from './commands/ps.ts';

test('sizes use decimal units with three significant digits', () => {
  assert.equal(humanSize(512), '512B');
  assert.equal(humanSize(4_260_000), '4.26MB');
  assert.equal(shortId('sha256:0123456789abcdef'), '0123456789ab');
});

test('tables align columns with three spaces', () => {
  assert.equal(formatTable([['A', 'BB'], ['ccc', 'd']]), 'A     BB\nccc   d\n');
});

test('ps rows quote and shorten the command and strip the name slash', () => {
  const r = psRow({ Id: 'a'.repeat(64), Names: ['/web'], Image: 'busybox', Command: 'sh -c "trap \'\' TERM; sleep 1000"',
    Created: 1000, State: 'running', Status: 'Up 3 seconds', ImageID: 'sha256:1', Ports: [], Labels: {},
    HostConfig: { NetworkMode: 'none' }, NetworkSettings: { Networks: {} }, Mounts: [] }, false, 4600 * 1000);
  assert.equal(r.ID, 'a'.repeat(12));
  assert.equal(r.Names, 'web');
  assert.equal(r.Command, JSON.stringify('sh -c "trap \'\' TERM…'));
  assert.equal(r.RunningFor, 'About an hour ago');
  assert.equal(ellipsis('abc', 3), 'abc');
});
