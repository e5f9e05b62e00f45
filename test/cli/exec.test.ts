/**
 * moorage's own CLI for exec, stdin and the rest of the container API: exec (output, exit code,
 * -i, -d, -it on a real pseudo-terminal), run -i and -it, attach with detach keys, top, stats,
 * update, rename, container prune and system df.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

const BIN = fileURLToPath(new URL('../../bin/moorage.mjs', import.meta.url));

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.stop(); });

/** Runs moorage on a pseudo-terminal (util-linux `script`), typing each input at its time. */
function onTerminal(args: string, typed: [number, string][] = []): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('script', ['-qec', `stty rows 30 cols 90; ${process.execPath} ${BIN} -H ${d.host} ${args}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.stderr.on('data', (c) => { out += c; });
    const timers = typed.map(([at, text]) => setTimeout(() => p.stdin.write(text), at));
    const kill = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('close', (code) => {
      for (const t of timers) clearTimeout(t);
      clearTimeout(kill);
      resolve({ code: code ?? -1, out });
    });
  });
}

async function runD(...args: string[]): Promise<string> {
  const r = await d.moorage(['run', '-d', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

test('exec prints both streams and exits with the command\'s code; -i feeds stdin; -d detaches; a missing command is 127', async () => {
  const id = await runD('-e', 'FROM_RUN=1', 'busybox', 'sleep', '1000');
  try {
    const r = await d.moorage(['exec', '-e', 'X=2', '-w', '/tmp', id, 'sh', '-c', 'echo $FROM_RUN$X $(pwd); echo err >&2; exit 5']);
    assert.equal(r.code, 5);
    assert.equal(r.stdout, '12 /tmp\n');
    assert.equal(r.stderr, 'err\n');
    const i = await d.moorage(['exec', '-i', id, 'sh', '-c', 'tr a-z A-Z'], { input: 'shout\n' });
    assert.equal(i.stdout, 'SHOUT\n');
    assert.equal((await d.moorage(['exec', '-d', id, 'sh', '-c', 'echo bg > /tmp/bg'])).code, 0);
    let seen = '';
    for (let n = 0; n < 50 && seen !== 'bg\n'; n++) seen = (await d.moorage(['exec', id, 'cat', '/tmp/bg'])).stdout;
    assert.equal(seen, 'bg\n');
    assert.equal((await d.moorage(['exec', id, 'no-such-command'])).code, 127);
    const missing = await d.moorage(['exec', 'no-such-container', 'true']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such container/);
  } finally {
    await d.moorage(['rm', '-f', id]);
  }
});

test('exec -it and run -it run on a terminal of the local size', async () => {
  const id = await runD('busybox', 'sleep', '1000');
  try {
    const r = await onTerminal(`exec -it ${id} sh -c 'tty; stty size; exit 4'`);
    assert.equal(r.code, 4, r.out);
    assert.match(r.out, /\/dev\/pts\/\d+\r\n30 90\r\n/);
  } finally {
    await d.moorage(['rm', '-f', id]);
  }
  const run = await onTerminal('run -it --rm busybox sh -c \'stty size; read x; echo got $x; exit 3\'', [[1500, 'hello\r']]);
  assert.equal(run.code, 3, run.out);
  assert.match(run.out, /30 90/);
  assert.match(run.out, /got hello/);
});

test('run -i sends stdin and closes it at its end', async () => {
  const r = await d.moorage(['run', '-i', '--rm', 'busybox', 'sh', '-c', 'cat; echo done'], { input: 'line one\nline two\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'line one\nline two\ndone\n');
});

test('attach, then ctrl-p ctrl-q, detaches and leaves the container running', async () => {
  const id = await runD('-it', 'busybox', 'sh');
  try {
    const r = await onTerminal(`attach ${id}`, [[800, 'echo attached-$((40+2))\r'], [1800, '\x10\x11']]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /attached-42/);
    assert.equal((await d.moorage(['inspect', '-f', '{{.State.Running}}', id])).stdout.trim(), 'true');
  } finally {
    await d.moorage(['rm', '-f', id]);
  }
});

test('top, stats --no-stream and update through the moorage CLI', async () => {
  const id = await runD('--name', 'cli-res', '-m', '64m', 'busybox', 'sh', '-c', 'sleep 1000');
  try {
    const top = await d.moorage(['top', 'cli-res', '-o', 'pid,args']);
    assert.equal(top.code, 0, top.stderr);
    assert.match(top.stdout, /^PID\s+COMMAND\n/);
    assert.match(top.stdout, /sleep 1000/);
    const stats = await d.moorage(['stats', '--no-stream', 'cli-res']);
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS\n/);
    assert.match(stats.stdout, new RegExp(`${id.slice(0, 12)}\\s+cli-res\\s+\\d+\\.\\d\\d%\\s+\\S+ / 64MiB`));
    const up = await d.moorage(['update', '--memory', '80m', '--restart', 'always', 'cli-res']);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stdout, 'cli-res\n');
    const hc = (await d.moorage(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}}', id])).stdout.trim();
    assert.equal(hc, `${80 * 1024 * 1024} always`);
    const none = await d.moorage(['update', 'cli-res']);
    assert.notEqual(none.code, 0);
    const bad = await d.moorage(['update', '--memory', '1m', 'cli-res']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Minimum memory limit allowed is 6MB/);
  } finally {
    await d.moorage(['rm', '-f', id]);
  }
});

test('rename, container prune and system df through the moorage CLI', async () => {
  const kept = await runD('--name', 'cli-old', 'busybox', 'sleep', '1000');
  const done = await runD('busybox', 'sh', '-c', 'echo data > /file');
  try {
    await d.moorage(['wait', done]);
    assert.equal((await d.moorage(['rename', 'cli-old', 'cli-new'])).code, 0);
    assert.equal((await d.moorage(['inspect', '-f', '{{.Name}}', kept])).stdout.trim(), '/cli-new');
    const df = await d.moorage(['system', 'df']);
    assert.equal(df.code, 0, df.stderr);
    assert.match(df.stdout, /^Containers\s+2\s+1\s+5B\s+5B \(100%\)$/m);
    const pruned = await d.moorage(['container', 'prune', '-f']);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stdout, new RegExp(`Deleted Containers:\\n${done}\\n`));
    assert.match(pruned.stdout, /Total reclaimed space: 5B/);
    assert.equal((await d.moorage(['ps', '-aq'])).stdout.trim(), kept.slice(0, 12));
  } finally {
    await d.moorage(['rm', '-f', kept, done]);
  }
});
