import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { MonitorWatch } from './monitor-watch.ts';

/** A process whose command line names container `id` the way conmon's does (`-c ID`). */
function fakeMonitor(id: string) {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', '--', '-c', id], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { pid: child.pid!, kill: async () => { child.kill('SIGKILL'); await exited; } };
}

test('a watched monitor that dies is noticed within a few intervals; one still alive is not', async () => {
  const watch = new MonitorWatch(50);
  const dies = fakeMonitor('dies');
  const lives = fakeMonitor('lives');
  try {
    let diesGone = false;
    let livesGone = false;
    void watch.watch(dies.pid, 'dies').then(() => { diesGone = true; });
    void watch.watch(lives.pid, 'lives').then(() => { livesGone = true; });
    await sleep(300);
    assert.equal(diesGone, false);
    await dies.kill();
    const t0 = Date.now();
    while (!diesGone && Date.now() - t0 < 5000) await sleep(10);
    assert.ok(diesGone, 'the death was noticed');
    assert.equal(livesGone, false);
    // A pid that is not the monitor of that container (here: of another one) counts as gone.
    await watch.watch(lives.pid, 'someone-else');
  } finally {
    watch.close();
    await dies.kill();
    await lives.kill();
  }
});
