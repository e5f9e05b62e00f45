/**
 * Graceful by default (issue 3): moorage-init drains the whole container on stop, the stop
 * report tells what happened to every process, and the doctor predicts it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

interface Proc { pid: number; nsPid: number; command: string; signal: string | null; end: string; exitCode?: number; killSignal?: string }
interface Report { signal: string; escalated: boolean; scope: string; exitCode: number; processes: Proc[] }

/** PID 1 traps TERM and exits at once; a background subshell needs 2 s, then writes a file. */
const SLOW_CHILD = 'trap "exit 0" TERM; (trap "sleep 2; echo cleaned > /out/done; exit 0" TERM; echo sub-ready; while true; do sleep 0.1; done) & echo ready; while true; do sleep 0.1; done';

describe('graceful stop with moorage-init', () => {
  let d: TestDaemon;
  let dir: string;
  before(async () => {
    d = await startDaemon();
    dir = await mkdtemp('/tmp/moorage-graceful-');
  });
  after(async () => {
    await d?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const runD = async (...args: string[]) => {
    const r = await d.docker(['run', '-d', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const report = async (id: string): Promise<Report> =>
    JSON.parse((await d.docker(['inspect', '-f', '{{json .State.LastStop}}', id])).stdout) as Report;
  const api = (path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ socketPath: d.socket, path }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
  /** Waits until the container's shells have printed their ready markers (traps installed). */
  const ready = async (id: string, ...marks: string[]) => {
    for (const m of marks.length ? marks : ['ready']) await d.waitForLog(id, m);
  };

  test('a background subshell finishes its 2 s cleanup; nothing is SIGKILLed and the report says so', async () => {
    const out = await mkdtemp(`${dir}/a-`);
    const id = await runD('-v', `${out}:/out`, 'busybox', 'sh', '-c', SLOW_CHILD);
    try {
      await ready(id, 'ready', 'sub-ready');
      const t0 = Date.now();
      assert.equal((await d.docker(['stop', id])).code, 0);
      assert.ok(Date.now() - t0 >= 1900, 'the stop waited for the cleanup');
      assert.equal(await readFile(`${out}/done`, 'utf8'), 'cleaned\n');
      const r = await report(id);
      assert.equal(r.escalated, false);
      assert.equal(r.exitCode, 0);
      assert.ok(r.processes.length >= 3, JSON.stringify(r));
      assert.deepEqual(r.processes.filter((p) => p.end.startsWith('killed')), []);
      const sub = r.processes.filter((p) => p.command.startsWith('sh -c') && p.nsPid !== 1);
      assert.ok(sub.every((p) => p.signal === 'SIGTERM'));
      assert.ok(sub.some((p) => p.end === 'exited' && p.exitCode === 0), JSON.stringify(sub));
      const ev = await d.docker(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1),
        '--filter', `container=${id}`, '--filter', 'event=stop', '--format', '{{json .Actor.Attributes}}']);
      const attrs = JSON.parse(ev.stdout.trim()) as Record<string, string>;
      assert.equal(attrs.killedAtDeadline, '0');
      assert.equal(attrs.killedByKernel, '0');
      assert.equal(attrs.escalated, 'false');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('with the Docker-compatible scope the subshell is killed by the kernel when PID 1 exits', async () => {
    const out = await mkdtemp(`${dir}/b-`);
    const id = await runD('-l', 'moorage.stop-scope=init', '-v', `${out}:/out`, 'busybox', 'sh', '-c', SLOW_CHILD);
    try {
      await ready(id, 'ready', 'sub-ready');
      assert.equal((await d.docker(['stop', id])).code, 0);
      await new Promise((r) => setTimeout(r, 2500));
      await assert.rejects(readFile(`${out}/done`), 'the subshell never finished its cleanup');
      const r = await report(id);
      assert.equal(r.scope, 'init');
      const killed = r.processes.filter((p) => p.end === 'killed-by-kernel');
      assert.ok(killed.some((p) => p.command.startsWith('sh -c')), JSON.stringify(r.processes));
      assert.ok(killed.every((p) => p.signal === null));
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('sleep as the command stops well within a second with 143, and doctor explains the init', async () => {
    const id = await runD('busybox', 'sleep', '1000');
    try {
      type Diag = { outcome: string; withoutInit: string; processes: { fate: string; command: string }[] };
      let doc = await api(`/containers/${id}/doctor`);
      // Until the init has started its child, the doctor sees the init alone.
      for (let i = 0; i < 100 && (JSON.parse(doc.body) as Diag).processes?.length !== 2; i++) {
        await new Promise((r) => setTimeout(r, 50));
        doc = await api(`/containers/${id}/doctor`);
      }
      assert.equal(doc.status, 200, doc.body);
      const diag = JSON.parse(doc.body) as Diag;
      assert.equal(diag.outcome, 'graceful');
      assert.match(diag.withoutInit, /PID 1 `sleep` would not handle SIGTERM.*SIGKILL/);
      assert.deepEqual(diag.processes.map((p) => p.fate), ['init', 'terminates']);
      const t0 = Date.now();
      assert.equal((await d.docker(['stop', id])).code, 0);
      assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
      assert.equal((await d.docker(['inspect', '-f', '{{.State.ExitCode}}', id])).stdout.trim(), '143');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('doctor predicts SIGKILL for PID 1 without an init, and refuses a stopped container', async () => {
    const id = await runD('--init=false', 'busybox', 'sleep', '1000');
    try {
      await new Promise((r) => setTimeout(r, 300)); // runc's init has exec'd sleep
      const diag = JSON.parse((await api(`/containers/${id}/doctor`)).body) as { outcome: string; seconds: number; summary: string; fixes: string[] };
      assert.equal(diag.outcome, 'sigkill');
      assert.equal(diag.seconds, 10);
      assert.match(diag.summary, /PID 1 `sleep` will not end on SIGTERM/);
      assert.match(diag.fixes.join('\n'), /init/);
      await d.docker(['kill', id]);
      assert.equal((await api(`/containers/${id}/doctor`)).status, 409);
      assert.equal((await api('/containers/nope/doctor')).status, 404);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('a process in its own session (setsid) still receives the stop signal', async () => {
    const out = await mkdtemp(`${dir}/c-`);
    const id = await runD('-v', `${out}:/out`, 'busybox', 'sh', '-c',
      'setsid sh -c \'trap "echo got TERM > /out/setsid; exit 0" TERM; echo sub-ready; while true; do sleep 0.1; done\' & trap "exit 0" TERM; echo ready; while true; do sleep 0.1; done');
    try {
      await ready(id, 'ready', 'sub-ready');
      assert.equal((await d.docker(['stop', id])).code, 0);
      assert.equal(await readFile(`${out}/setsid`, 'utf8'), 'got TERM\n');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('without an init the stop signal reaches every process of the cgroup', async () => {
    const out = await mkdtemp(`${dir}/e-`);
    const id = await runD('--init=false', '-v', `${out}:/out`, 'busybox', 'sh', '-c',
      '(trap "echo child > /out/child; exit 0" TERM; echo sub-ready; while true; do sleep 0.1; done) & trap "sleep 0.5; exit 0" TERM; echo ready; while true; do sleep 0.1; done');
    try {
      await ready(id, 'ready', 'sub-ready');
      assert.equal((await d.docker(['stop', '-t', '5', id])).code, 0);
      assert.equal(await readFile(`${out}/child`, 'utf8'), 'child\n');
      const r = await report(id);
      assert.equal(r.scope, 'all');
      assert.ok(r.processes.every((p) => p.signal === 'SIGTERM'));
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('a process ended by the stop signal\'s default action is reported signaled with that signal', async () => {
    const id = await runD('--init=false', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; sleep 1000 & echo ready; wait');
    try {
      await ready(id);
      assert.equal((await d.docker(['stop', id])).code, 0);
      const sleep = (await report(id)).processes.find((p) => p.command.startsWith('sleep'));
      assert.ok(sleep, 'the report lists the sleep');
      assert.equal(sleep.signal, 'SIGTERM');
      assert.equal(sleep.end, 'signaled');
      assert.equal(sleep.killSignal, 'SIGTERM');
      assert.equal(sleep.exitCode, 143);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('a stop with t=0 reports the signal as sent to PID 1 only', async () => {
    const id = await runD('--init=false', 'busybox', 'sh', '-c', 'trap "" TERM; sleep 1000 & echo ready; wait');
    try {
      await ready(id);
      assert.equal((await d.docker(['stop', '-t', '0', id])).code, 0);
      const r = await report(id);
      assert.equal(r.scope, 'init');
      const pid1 = r.processes.find((p) => p.nsPid === 1);
      const sleep = r.processes.find((p) => p.command.startsWith('sleep'));
      assert.equal(pid1?.signal, 'SIGTERM');
      assert.equal(sleep?.signal, null, JSON.stringify(r.processes));
      assert.equal(sleep?.end, 'killed-at-deadline');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('a process that ignores TERM is SIGKILLed at the deadline and the report names it', async () => {
    const id = await runD('busybox', 'sh', '-c', 'sh -c \'trap "" TERM; echo sub-ready; while true; do sleep 0.1; done\' & trap "exit 0" TERM; echo ready; while true; do sleep 0.1; done');
    try {
      await ready(id, 'ready', 'sub-ready');
      const t0 = Date.now();
      assert.equal((await d.docker(['stop', '-t', '1', id])).code, 0);
      assert.ok(Date.now() - t0 >= 1000);
      const r = await report(id);
      assert.equal(r.escalated, true);
      const killed = r.processes.filter((p) => p.end === 'killed-at-deadline');
      assert.ok(killed.some((p) => p.command.includes('trap "" TERM')), JSON.stringify(r.processes));
      assert.ok(killed.every((p) => p.killSignal === 'SIGKILL'));
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('the init report cannot be swapped for a link or fifo from inside the container', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c',
      'rm -f /run/moorage-init.report; mv /run/moorage-init.report /tmp/x; ln -sf /etc/passwd /run/moorage-init.report; mkfifo /run/moorage-init.report; test -f /run/moorage-init.report && ! test -L /run/moorage-init.report && echo still-a-file']);
    assert.equal(r.stdout, 'still-a-file\n', r.stderr);
  });

  test('100 orphaned children exit and leave no zombie', async () => {
    const id = await runD('busybox', 'sh', '-c', 'for i in $(seq 100); do (sleep 0.2 &) ; done; trap "exit 0" TERM; while true; do sleep 0.1; done');
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const zombies: number[] = [];
      const cgroup = `/sys/fs/cgroup/pids/${d.cgroupParent}/${id}/cgroup.procs`;
      const pids = (await readFile(cgroup, 'utf8')).split('\n').filter(Boolean).map(Number);
      for (const pid of pids) {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
        if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) zombies.push(pid);
      }
      assert.deepEqual(zombies, []);
      assert.ok(pids.length <= 4, `only the init, the shell and its sleep remain: ${pids.length}`);
      const all = await readdir('/proc');
      assert.ok(all.length > 0);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });
});

describe('daemon-wide init and stop-scope choices', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon({ args: ['--init-path', '/usr/bin/tini-static', '--stop-scope', 'init'] }); });
  after(async () => { await d?.stop(); });

  test('--init-path runs another init (tini) as PID 1 and --stop-scope init signals PID 1 only', async () => {
    const id = (await d.docker(['run', '-d', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; echo ready; sleep 1000 & wait'])).stdout.trim();
    try {
      await d.waitForLog(id, 'ready');
      const pid = (await d.docker(['inspect', '-f', '{{.State.Pid}}', id])).stdout.trim();
      assert.match(await readFile(`/proc/${pid}/cmdline`, 'utf8'), /^\/sbin\/moorage-init\0--\0sh\0/);
      assert.equal((await d.docker(['stop', id])).code, 0);
      const r = JSON.parse((await d.docker(['inspect', '-f', '{{json .State.LastStop}}', id])).stdout) as Report;
      assert.equal(r.scope, 'init');
      assert.equal(r.exitCode, 0);
      assert.ok(r.processes.some((p) => p.end === 'killed-by-kernel' && p.command.startsWith('sleep')), JSON.stringify(r.processes));
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });
});
