import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { decodeWaitStatus, inMask, parseStat, parseStatus, readStat, signalProcess, isSameProcess, waitSignalReady } from './procs.ts';

const INIT = fileURLToPath(new URL('../../init/build/moorage-init', import.meta.url));

test('parseStat reads fields after a command holding spaces and parentheses', () => {
  const st = parseStat('1234 (my (odd) cmd) S 1 1234 1234 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 98765 0 0');
  assert.equal(st.pid, 1234);
  assert.equal(st.comm, 'my (odd) cmd');
  assert.equal(st.state, 'S');
  assert.equal(st.ppid, 1);
  assert.equal(st.startTime, 98765);
  assert.equal(st.flags, 4194560);
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

test('parseStatus reads the namespace pid and the signal masks', () => {
  const s = parseStatus('Name:\tsh\nNSpid:\t4242\t7\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000004\nSigCgt:\t0000000000004002\n');
  assert.equal(s.nsPid, 7);
  assert.equal(inMask(s.caught, 15), true);
  assert.equal(inMask(s.caught, 2), true);
  assert.equal(inMask(s.ignored, 3), true);
  assert.equal(inMask(s.blocked, 15), false);
});

test('decodeWaitStatus tells an exit code from a killing signal', () => {
  assert.deepEqual(decodeWaitStatus(3 << 8), { how: 'exited', code: 3 });
  assert.deepEqual(decodeWaitStatus(15), { how: 'signaled', signal: 15 });
  assert.deepEqual(decodeWaitStatus(9 | 0x80), { how: 'signaled', signal: 9 }); // core dumped bit
});

test('parseStat gives a zombie\'s wait status from field 52 and none for a live process', () => {
  const fields4to51 = Array.from({ length: 48 }, () => '0').join(' ');
  const z = parseStat(`9 (sh) Z ${fields4to51} 768`);
  assert.equal(z.state, 'Z');
  assert.equal(z.waitStatus, 768);
  const live = parseStat('1234 (x) S 1 1234 1234 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 98765 0 0');
  assert.equal(live.waitStatus, null);
  assert.equal(live.pgrp, 1234);
});

test('an init asleep in sigtimedwait is ready for a signal although /proc shows it blocking nothing', async () => {
  const init = spawn(INIT, ['-s', '--', 'sleep', '30'], { stdio: 'ignore' });
  try {
    const pid = init.pid!;
    const asleep = async () => (await readFile(`/proc/${pid}/wchan`, 'utf8').catch(() => '')).startsWith('do_sigtimedwait');
    for (let i = 0; i < 500 && !(await asleep()); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(await asleep(), 'the init waits in sigtimedwait');
    assert.equal(await waitSignalReady(pid, 15, 'moorage-init', 200), true);
    assert.equal(await waitSignalReady(pid, 15, 'another-init', 50), false, 'another program is not ready');
  } finally {
    const exited = new Promise((r) => init.on('exit', r));
    init.kill('SIGTERM'); // forwarded to sleep; the init exits with it
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (init.exitCode === null && init.signalCode === null) init.kill('SIGKILL');
  }
});
