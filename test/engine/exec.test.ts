/**
 * exec, stdin and TTYs through the real docker CLI (and a real pseudo-terminal from `script`):
 * exec with output and exit codes, exec -i, exec -it, exec -d, exec inspect, exec'd processes in
 * a graceful stop, `run -i`, `run -it` with its terminal size, attach and detach keys.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

/**
 * Runs a command on a pseudo-terminal (util-linux `script`), typing each input at its time (ms
 * from the start); its stdin stays open until the command ends (a closed stdin makes `script`
 * send a stray byte to the terminal).
 */
function onTerminal(cmd: string, env: NodeJS.ProcessEnv, typed: [number, string][] = [], timeoutMs = 20_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('script', ['-qec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    const timers = typed.map(([at, text]) => setTimeout(() => p.stdin.write(text), at));
    const kill = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      for (const t of timers) clearTimeout(t);
      clearTimeout(kill);
      resolve({ code: code ?? -1, out });
    });
  });
}

describe('exec and stdin through the docker CLI', () => {
  let d: TestDaemon;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    d = await startDaemon();
    env = { ...process.env, DOCKER_HOST: d.host };
  });
  after(async () => { await d?.stop(); });

  const api = (method: string, path: string, body?: unknown) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath: d.socket, method, path, headers: data ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
  const runD = async (...args: string[]) => {
    const r = await d.docker(['run', '-d', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };

  test('exec runs in the container with both streams and its exit code; a missing command is 127', async () => {
    const id = await runD('-e', 'FROM_RUN=1', '-w', '/tmp', 'busybox', 'sleep', '1000');
    try {
      const r = await d.docker(['exec', '-e', 'FROM_EXEC=2', id, 'sh', '-c', 'echo "$FROM_RUN$FROM_EXEC $(pwd)"; echo err >&2; exit 4']);
      assert.equal(r.code, 4);
      assert.equal(r.stdout, '12 /tmp\n');
      assert.equal(r.stderr, 'err\n');
      assert.equal((await d.docker(['exec', '-u', 'nobody', '-w', '/', id, 'sh', '-c', 'id -u; pwd'])).stdout, '65534\n/\n');
      const missing = await d.docker(['exec', id, 'no-such-command']);
      assert.equal(missing.code, 127, missing.stderr);
      assert.match(missing.stderr, /no-such-command/);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('exec -i sends stdin and closes it at its end; exec -d detaches; exec inspect and events tell', async () => {
    const id = await runD('busybox', 'sleep', '1000');
    try {
      const r = await d.docker(['exec', '-i', id, 'sh', '-c', 'while read l; do echo "got:$l"; done; echo eof'], { input: 'a\nb\n' });
      assert.equal(r.stdout, 'got:a\ngot:b\neof\n');
      const since = String(Math.floor(Date.now() / 1000) - 1);
      const created = await api('POST', `/v1.45/containers/${id}/exec`, { Cmd: ['sh', '-c', 'sleep 0.3; exit 9'] });
      assert.equal(created.status, 201, created.body);
      const eid = (JSON.parse(created.body) as { Id: string }).Id;
      assert.equal((await api('POST', `/v1.45/exec/${eid}/start`, { Detach: true })).status, 200);
      const running = JSON.parse((await api('GET', `/v1.45/exec/${eid}/json`)).body) as { Running: boolean; Pid: number; ExitCode: number | null; ContainerID: string };
      assert.equal(running.ContainerID, id);
      assert.ok(running.Pid > 0);
      let done = running;
      for (let i = 0; i < 60 && done.ExitCode === null; i++) {
        await new Promise((res) => setTimeout(res, 50));
        done = JSON.parse((await api('GET', `/v1.45/exec/${eid}/json`)).body) as typeof running;
      }
      assert.deepEqual([done.Running, done.ExitCode], [false, 9]);
      assert.equal((await api('POST', `/v1.45/exec/${eid}/start`, { Detach: true })).status, 409, 'an exec runs once');
      const ev = await d.docker(['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${id}`, '--format', '{{.Action}} {{.Actor.Attributes.exitCode}}']);
      assert.match(ev.stdout, /^exec_create: sh -c sleep 0\.3; exit 9 /m);
      assert.match(ev.stdout, /^exec_die 9$/m);
      assert.equal((await api('GET', '/v1.45/exec/nope/json')).status, 404);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('exec in a stopped or paused container is a 409, and an empty command a 400', async () => {
    const id = await runD('busybox', 'sleep', '1000');
    try {
      assert.equal((await api('POST', `/v1.45/containers/${id}/exec`, { Cmd: [] })).status, 400);
      await d.docker(['pause', id]);
      const paused = await api('POST', `/v1.45/containers/${id}/exec`, { Cmd: ['true'] });
      assert.equal(paused.status, 409);
      assert.match(paused.body, /paused/);
      await d.docker(['unpause', id]);
      await d.docker(['kill', id]);
      assert.equal((await api('POST', `/v1.45/containers/${id}/exec`, { Cmd: ['true'] })).status, 409);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('exec -it runs on a terminal of the client\'s size', async () => {
    const id = await runD('busybox', 'sleep', '1000');
    try {
      const r = await onTerminal(`stty rows 21 cols 77; docker exec -it ${id} sh -c 'sleep 0.3; tty; stty size; exit 6'`, env);
      assert.equal(r.code, 6, r.out);
      assert.match(r.out, /\/dev\/pts\/\d+\r\n21 77\r\n/);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('an exec\'d process with a TERM handler finishes its cleanup during docker stop', async () => {
    const dir = await mkdtemp('/tmp/moorage-exec-stop-');
    const id = await runD('-v', `${dir}:/out`, 'busybox', 'sh', '-c', 'trap "exit 0" TERM; echo ready; while true; do sleep 0.1; done');
    try {
      await d.waitForLog(id, 'ready');
      const ex = await d.docker(['exec', '-d', id, 'sh', '-c', 'trap "sleep 1; echo cleaned > /out/exec; exit 0" TERM; echo armed > /out/armed; while true; do sleep 0.1; done']);
      assert.equal(ex.code, 0, ex.stderr);
      for (let i = 0; i < 100 && !(await readFile(`${dir}/armed`, 'utf8').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal((await d.docker(['stop', id])).code, 0);
      assert.equal(await readFile(`${dir}/exec`, 'utf8'), 'cleaned\n');
      const report = JSON.parse((await d.docker(['inspect', '-f', '{{json .State.LastStop}}', id])).stdout) as { processes: { command: string; end: string; signal: string | null }[] };
      const exec = report.processes.find((p) => p.command.includes('/out/exec'));
      assert.ok(exec, JSON.stringify(report.processes));
      assert.equal(exec.signal, 'SIGTERM');
      assert.equal(exec.end, 'exited');
    } finally {
      await d.docker(['rm', '-f', id]);
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('run -i gives the container the client\'s stdin (StdinOnce closes it at the end)', async () => {
    const r = await d.docker(['run', '-i', '--rm', 'busybox', 'sh'], { input: 'echo hi; exit 3\n' });
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'hi\n');
    const lines = await d.docker(['run', '-i', '--rm', 'busybox', 'sh', '-c', 'while read l; do echo "got:$l"; done'], { input: 'one\ntwo\n' });
    assert.equal(lines.stdout, 'got:one\ngot:two\n');
  });

  test('run -it runs on a terminal of the client\'s size and exits with its code', async () => {
    // A docker CLI before 23 (API 1.42) sends no ConsoleSize with the create and resizes only
    // after the start, as it does against dockerd: the shell waits for that resize.
    const r = await onTerminal('stty rows 33 cols 101; docker run -it --rm busybox sh -c \'sleep 0.3; tty; stty size; exit 5\'', env);
    assert.equal(r.code, 5, r.out);
    assert.match(r.out, /\/dev\/pts\/\d+\r\n33 101\r\n/);
    const typed = await onTerminal('docker run -it --rm busybox sh', env, [[1500, 'echo typed-$((6*7))\nexit 7\n']]);
    assert.equal(typed.code, 7, typed.out);
    assert.match(typed.out, /typed-42/);
  });

  test('attach to a running TTY container, then detach with ctrl-p ctrl-q leaves it running', async () => {
    const id = await runD('-it', 'busybox', 'sh');
    try {
      const r = await onTerminal(`docker attach ${id}`, env, [[1000, 'echo attached-$((2+3))\n'], [2500, '\x10\x11']]);
      assert.match(r.out, /attached-5/);
      assert.match(r.out, /read escape sequence/);
      assert.equal((await d.docker(['inspect', '-f', '{{.State.Running}}', id])).stdout.trim(), 'true');
      const resized = await api('POST', `/v1.45/containers/${id}/resize?h=10&w=40`);
      assert.equal(resized.status, 200, resized.body);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('an exec resized as its start is sent gets the size once it runs (an old CLI sends no ConsoleSize)', async () => {
    const id = await runD('busybox', 'sleep', '1000');
    try {
      const ex = JSON.parse((await api('POST', `/v1.45/containers/${id}/exec`, { Cmd: ['sh', '-c', 'sleep 0.5; stty size > /size'], Tty: true })).body) as { Id: string };
      const started = api('POST', `/v1.45/exec/${ex.Id}/start`, { Detach: true, Tty: true });
      const resized = await api('POST', `/v1.45/exec/${ex.Id}/resize?h=19&w=61`);
      assert.equal(resized.status, 200, resized.body);
      assert.equal((await started).status, 200);
      let size = '';
      for (let i = 0; i < 100 && !size; i++) {
        size = (await d.docker(['exec', id, 'cat', '/size'])).stdout.trim();
        if (!size) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(size, '19 61');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('resizing a container without a TTY is a 400, and a stopped one a 409', async () => {
    const id = await runD('busybox', 'sleep', '1000');
    try {
      assert.equal((await api('POST', `/v1.45/containers/${id}/resize?h=10&w=40`)).status, 400);
      await d.docker(['kill', id]);
      assert.equal((await api('POST', `/v1.45/containers/${id}/resize?h=10&w=40`)).status, 409);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });
});
