import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPsArgs, parsePsOutput } from './top.ts';

const PS = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 10:00 ?        00:00:01 /sbin/init
root        4242    4200  0 10:01 ?        00:00:00 sleep 1000 with  spaces
root        4300    4242  0 10:01 ?        00:00:00 sh -c x
`;

test('top keeps only the container\'s processes and joins the command into the last column', () => {
  const r = parsePsOutput(PS, [4242]);
  assert.deepEqual(r.Titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.deepEqual(r.Processes, [['root', '4242', '4200', '0', '10:01', '?', '00:00:00', 'sleep 1000 with spaces']]);
});

test('thread rows (PID -) follow the process row they belong to', () => {
  const out = 'USER PID TID CMD\nroot 7 - a\nroot - 7 t1\nroot 8 - b\nroot - 8 t2\n';
  assert.deepEqual(parsePsOutput(out, [8]).Processes, [['root', '8', '-', 'b'], ['root', '-', '8', 't2']]);
});

test('ps output without a PID column, or with a bad pid, is an error', () => {
  assert.throws(() => parsePsOutput('USER CMD\nroot x\n', [1]), /Couldn't find PID/);
  assert.throws(() => parsePsOutput('PID CMD\nabc x\n', [1]), /Unexpected pid/);
});

test('ps_args may rename the PID column only as pid=', () => {
  assert.deepEqual(checkPsArgs('-o pid,comm'), ['-o', 'pid,comm']);
  assert.deepEqual(checkPsArgs('-o pid=PID'), ['-o', 'pid=PID']);
  assert.throws(() => checkPsArgs('-o user=PID'), /specifying "user=PID" is not allowed/);
});
