/**
 * Stop and kill with Docker's semantics (reference/moby-stop-semantics.md §1–2), through the
 * docker CLI against a real daemon.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

const TRAP_TERM = 'trap "echo got TERM; exit 0" TERM; echo ready; while true; do sleep 0.1; done';

describe('stop and kill through the docker CLI', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  const runD = async (...args: string[]) => {
    const r = await d.docker(['run', '-d', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const exitCode = async (id: string) => Number((await d.docker(['inspect', '-f', '{{.State.ExitCode}}', id])).stdout);

  test('a shell that traps TERM exits 0 at once, and a second stop is harmless', async () => {
    const id = await runD('busybox', 'sh', '-c', TRAP_TERM);
    try {
      await d.waitForLog(id, 'ready');
      const t0 = Date.now();
      const r = await d.docker(['stop', id]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - t0 < 5000, 'the stop did not wait for the timeout');
      assert.equal(await exitCode(id), 0);
      assert.equal((await d.docker(['logs', id])).stdout, 'ready\ngot TERM\n');
      const again = await d.docker(['stop', id]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout.trim(), id);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('a stop sent the moment a start returns is graceful: the init gets the signal', async () => {
    // The init is signalled once it blocks the signal: a namespace's PID 1 drops one it
    // neither blocks nor handles, which would leave the stop to its SIGKILL.
    for (let i = 0; i < 8; i++) {
      const id = await runD('--network', 'none', 'busybox', 'sleep', '1000');
      try {
        const t0 = Date.now();
        const r = await d.docker(['stop', '-t', '10', id]);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(Date.now() - t0 < 5000, `round ${i}: the stop escalated`);
        const report = JSON.parse((await d.docker(['inspect', '-f', '{{json .State.LastStop}}', id])).stdout) as { escalated: boolean };
        assert.equal(report.escalated, false);
      } finally {
        await d.docker(['rm', '-f', id]);
      }
    }
  });

  test('sleep as PID 1 without an init ignores TERM and is SIGKILLed after the timeout (137)', async () => {
    const id = await runD('--init=false', 'busybox', 'sleep', '1000');
    try {
      const t0 = Date.now();
      const r = await d.docker(['stop', '-t', '1', id]);
      const took = Date.now() - t0;
      assert.equal(r.code, 0, r.stderr);
      assert.ok(took >= 1000, `took ${took} ms, less than the 1 s timeout`);
      assert.equal(await exitCode(id), 137);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('kill, die and stop events come in that order with the signal attribute', async () => {
    const id = await runD('--init=false', 'busybox', 'sleep', '1000');
    try {
      const since = (Date.now() / 1000).toFixed(3);
      await d.docker(['stop', '-t', '0', id]);
      const until = (Date.now() / 1000 + 1).toFixed(3);
      const ev = await d.docker(['events', '--since', since, '--until', until, '--filter', `container=${id}`,
        '--format', '{{.Action}} {{index .Actor.Attributes "signal"}} {{index .Actor.Attributes "exitCode"}}']);
      const lines = ev.stdout.trim().split('\n').map((l) => l.trimEnd());
      assert.deepEqual(lines, ['kill 15', 'kill 9', 'die  137', 'stop'], ev.stdout);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('--stop-signal and --stop-timeout from create are honoured', async () => {
    const id = await runD('--init=false', '--stop-signal', 'USR1', '--stop-timeout', '1', 'busybox', 'sh', '-c',
      'trap "echo got USR1; exit 7" USR1; trap "" TERM; echo ready; while true; do sleep 0.1; done');
    try {
      await d.waitForLog(id, 'ready');
      const r = await d.docker(['stop', id]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await exitCode(id), 7);
      assert.equal((await d.docker(['logs', id])).stdout, 'ready\ngot USR1\n');
      assert.equal((await d.docker(['inspect', '-f', '{{.Config.StopSignal}} {{.Config.StopTimeout}}', id])).stdout.trim(), 'USR1 1');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
    const slow = await runD('--init=false', '--stop-timeout', '1', 'busybox', 'sleep', '1000');
    try {
      const t0 = Date.now();
      await d.docker(['stop', slow]);
      assert.ok(Date.now() - t0 >= 1000);
      assert.ok(Date.now() - t0 < 8000, 'used the container timeout, not the 10 s default');
      assert.equal(await exitCode(slow), 137);
    } finally {
      await d.docker(['rm', '-f', slow]);
    }
  });

  // `stop -s` arrived in the docker CLI 23; Debian 12's docker.io (20.10) has none, so the
  // request signal is driven through moorage's CLI, which sends the same API call.
  test('stop -s picks the signal for one stop', async () => {
    const id = await runD('--init=false', 'busybox', 'sh', '-c', 'trap "exit 9" HUP; echo ready; while true; do sleep 0.1; done');
    try {
      await d.waitForLog(id, 'ready');
      assert.equal((await d.moorage(['stop', '-s', 'SIGHUP', id])).code, 0);
      assert.equal(await exitCode(id), 9);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('kill -s delivers a signal by name or number and refuses unknown names and 0', async () => {
    const id = await runD('--init=false', 'busybox', 'sh', '-c',
      'trap "echo usr1" USR1; trap "echo rt3" 37; trap "exit 5" TERM; echo ready; while true; do sleep 0.1; done');
    try {
      await d.waitForLog(id, 'ready');
      assert.equal((await d.docker(['kill', '-s', 'USR1', id])).code, 0);
      assert.equal((await d.docker(['kill', '-s', 'RTMIN+3', id])).code, 0);
      const bad = await d.docker(['kill', '-s', 'NOPE', id]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /invalid signal: NOPE/);
      const zero = await d.docker(['kill', '-s', '0', id]);
      assert.match(zero.stderr, /invalid signal: 0/);
      const badStop = await d.moorage(['stop', '-s', 'NOPE', id]);
      assert.equal(badStop.code, 1);
      assert.match(badStop.stderr, /invalid signal: NOPE/);
      let out = '';
      for (let i = 0; i < 40 && !out.includes('rt3'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        out = (await d.docker(['logs', id])).stdout;
      }
      assert.match(out, /usr1\n/);
      assert.match(out, /rt3\n/);
      assert.equal((await d.docker(['inspect', '-f', '{{.State.Running}}', id])).stdout.trim(), 'true');
      assert.equal((await d.docker(['kill', '-s', 'TERM', id])).code, 0);
      assert.equal((await d.docker(['wait', id])).stdout.trim(), '5');
      const notRunning = await d.docker(['kill', id]);
      assert.equal(notRunning.code, 1);
      assert.match(notRunning.stderr, /is not running/);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('kill with SIGKILL returns after the exit (137)', async () => {
    const id = await runD('--init=false', 'busybox', 'sleep', '1000');
    try {
      assert.equal((await d.docker(['kill', id])).code, 0);
      assert.equal((await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', id])).stdout.trim(), 'exited 137');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('while stop -t -1 waits on a container that ignores TERM, inspect and ps answer at once', async () => {
    const id = await runD('--init=false', 'busybox', 'sh', '-c', 'trap "" TERM; echo ready; while true; do sleep 0.1; done');
    try {
      await d.waitForLog(id, 'ready');
      const stopping = d.docker(['stop', '-t', '-1', id], { timeoutMs: 60_000 });
      await new Promise((r) => setTimeout(r, 500));
      for (const args of [['inspect', '-f', '{{.State.Status}}', id], ['ps', '-q']]) {
        const t0 = Date.now();
        const r = await d.docker(args);
        assert.equal(r.code, 0);
        assert.ok(Date.now() - t0 < 2000, `${args[0]} took ${Date.now() - t0} ms`);
      }
      assert.equal((await d.docker(['inspect', '-f', '{{.State.Status}}', id])).stdout.trim(), 'running');
      assert.equal((await d.docker(['kill', id])).code, 0); // ends the endless stop
      const r = await stopping;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await exitCode(id), 137);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('a stop finishes even when the client hangs up', async () => {
    const id = await runD('--init=false', 'busybox', 'sleep', '1000');
    try {
      await new Promise<void>((resolve) => {
        const req = request({ socketPath: d.socket, method: 'POST', path: `/v1.45/containers/${id}/stop?t=1` });
        req.on('error', () => resolve());
        req.end(() => setTimeout(() => { req.destroy(); resolve(); }, 100));
      });
      const w = await d.docker(['wait', id], { timeoutMs: 10_000 });
      assert.equal(w.stdout.trim(), '137');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('a container whose monitor dies is killed and reported as exit 137, once', async () => {
    const { readFile } = await import('node:fs/promises');
    const id = await runD('--init=false', 'busybox', 'sleep', '1000');
    try {
      const pid = Number((await d.docker(['inspect', '-f', '{{.State.Pid}}', id])).stdout);
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const conmon = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      assert.match(await readFile(`/proc/${conmon}/cmdline`, 'utf8'), /^\/usr\/bin\/conmon\0/);
      const waiting = d.docker(['wait', id], { timeoutMs: 15_000 });
      await new Promise((r) => setTimeout(r, 200));
      process.kill(conmon, 'SIGKILL'); // the monitor this test's container runs under
      const w = await waiting;
      assert.equal(w.stdout.trim(), '137', w.stderr);
      assert.equal((await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', id])).stdout.trim(), 'exited 137');
      const ev = await d.docker(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${id}`, '--filter', 'event=die', '--format', '{{.Action}}']);
      assert.equal(ev.stdout.trim(), 'die');
      assert.equal((await d.docker(['stop', id])).code, 0); // already stopped: harmless
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('wait conditions: next-exit and removed', async () => {
    const id = await runD('busybox', 'sh', '-c', 'sleep 0.3; exit 4');
    const api = (method: string, path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ socketPath: d.socket, method, path }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal((await api('POST', `/containers/${id}/wait?condition=bogus`)).status, 400);
    assert.equal((await api('POST', `/containers/${id}/wait?condition=next-exit`)).body, '{"StatusCode":4,"Error":null}\n');
    const removed = api('POST', `/containers/${id}/wait?condition=removed`);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await d.docker(['rm', id])).code, 0);
    assert.equal(JSON.parse((await removed).body).StatusCode, 4);
  });
});
