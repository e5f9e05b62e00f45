import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { parseStat, readStat, signalProcess, isSameProcess } from './procs.ts';

test('parseStat reads fields after a command holding spaces and parentheses', () => {
  const st = parseStat('1234 (my (odd) cmd) S 1 1234 1234 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 98765 0 0');
  assert.equal(st.pid, 1234);
  assert.equal(st.comm, 'my (odd) cmd');
  assert.equal(st.state, 'S');
  assert.equal(st.ppid, 1);
  assert.equal(st.startTime, 98765);
});

test('signalProcess refuses a pid whose start time differs (a reused pid)', async () => {
  const child = spawn('sleep', ['30']);
  try {
    const st = (await readStat(child.pid!))!;
    assert.equal(await isSameProcess(child.pid!, st.startTime), true);
    assert.equal(await signalProcess(child.pid!, st.startTime + 1, 15), false);
    assert.equal(child.exitCode, null);
    const exited = new Promise((r) => child.on('exit', (_c, sig) => r(sig)));
    assert.equal(await signalProcess(child.pid!, st.startTime, 15), true);
    assert.equal(await exited, 'SIGTERM');
  } finally {
    child.kill('SIGKILL');
  }
});
