/**
 * The moorage CLI's container verbs against a live daemon: run, ps, stop, kill, restart, wait,
 * logs, inspect, rm, pause, unpause, doctor — each with its error cases.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.stop(); });

/** Runs `fn` with a detached container (`run -d` args), removing it afterwards. */
async function withContainer(name: string, args: string[], fn: () => Promise<void>): Promise<void> {
  const r = await d.moorage(['run', '-d', '--name', name, ...args]);
  assert.equal(r.code, 0, r.stderr);
  try {
    await fn();
  } finally {
    await d.moorage(['rm', '-f', name]);
  }
}

test('run in the foreground prints the output and exits with the container\'s code', async () => {
  const r = await d.moorage(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout, 'out\n');
  assert.match(r.stderr, /err/);
});

test('run --rm removes the container after it exits', async () => {
  const r = await d.moorage(['run', '--rm', '--name', 'gone', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
  const ps = await d.moorage(['ps', '-a', '--format', '{{.Names}}']);
  assert.doesNotMatch(ps.stdout, /^gone$/m);
});

test('run -d passes every flag into the container\'s configuration', async () => {
  await withContainer('cfg', ['-e', 'A=1', '-l', 'k=v', '-w', '/tmp', '-u', '0', '--stop-signal', 'SIGINT',
    '--stop-timeout', '2', '--restart', 'on-failure:2', '--init=false', '--entrypoint', 'sh', 'busybox',
    '-c', 'sleep 1000'], async () => {
    const r = await d.moorage(['inspect', '--format',
      '{{.Config.StopSignal}} {{.Config.StopTimeout}} {{index .Config.Labels "k"}} {{.HostConfig.Init}} '
      + '{{.Config.WorkingDir}} {{.Config.User}} {{.HostConfig.RestartPolicy.Name}} {{json .Config.Entrypoint}}', 'cfg']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'SIGINT 2 v false /tmp 0 on-failure ["sh"]');
    const env = await d.moorage(['inspect', '--format', '{{json .Config.Env}}', 'cfg']);
    assert.ok((JSON.parse(env.stdout) as string[]).includes('A=1'));
  });
});

test('run\'s own failures exit 125', async () => {
  const bad = await d.moorage(['run', '--rm', 'no-such-image:1', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /No such image|Unable to find image/);
  const flag = await d.moorage(['run', '--stop-timeout', 'soon', 'busybox']);
  assert.equal(flag.code, 125);
});

test('run of a command that does not exist exits 127', async () => {
  const missing = await d.moorage(['run', '--rm', 'busybox', '/no/such/command']);
  assert.equal(missing.code, 127, missing.stderr);
  const noInit = await d.moorage(['run', '--rm', '--init=false', 'busybox', '/no/such/command']);
  assert.equal(noInit.code, 127, noInit.stderr);
});

test('ps lists running containers, -a stopped ones too, with filters and formats', async () => {
  await withContainer('lister', ['-l', 'role=test', 'busybox', 'sleep', '1000'], async () => {
    const table = await d.moorage(['ps']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/m);
    assert.match(table.stdout, /busybox\s+"sleep 1000"\s+.*ago\s+Up .*lister$/m);
    const q = await d.moorage(['ps', '-q', '--filter', 'name=lister']);
    assert.match(q.stdout, /^[0-9a-f]{12}\n$/);
    const json = await d.moorage(['ps', '--filter', 'label=role=test', '--format', 'json']);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { Names: string; State: string });
    assert.deepEqual(rows.map((r) => [r.Names, r.State]), [['lister', 'running']]);
    const t = await d.moorage(['ps', '-a', '--format', 'table {{.Names}}\\t{{.State}}', '--filter', 'name=lister']);
    assert.match(t.stdout, /^NAMES\s+STATE\nlister\s+running\n$/);
  });
  const bad = await d.moorage(['ps', '--filter', 'nonsense']);
  assert.equal(bad.code, 125);
  const unknown = await d.moorage(['ps', '--filter', 'colour=red']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Error response from daemon/);
});

test('stop stops with the timeout, a second stop is harmless, a missing container is an error', async () => {
  await withContainer('stopper', ['busybox', 'sleep', '1000'], async () => {
    const r = await d.moorage(['stop', '-t', '1', 'stopper']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'stopper\n');
    const again = await d.moorage(['stop', '-t', '1', 'stopper']);
    assert.equal(again.code, 0, again.stderr);
    const state = await d.moorage(['inspect', '--format', '{{.State.Status}}', 'stopper']);
    assert.equal(state.stdout.trim(), 'exited');
  });
  const missing = await d.moorage(['stop', 'no-such-container']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such container/);
  const bad = await d.moorage(['stop', '-t', 'x', 'anything']);
  assert.equal(bad.code, 125);
  await withContainer('badsig', ['busybox', 'sleep', '1000'], async () => {
    const sig = await d.moorage(['stop', '-s', 'NOSUCHSIG', 'badsig']);
    assert.equal(sig.code, 1);
    assert.match(sig.stderr, /invalid signal/);
  });
});

test('stop of several containers reports each; one missing makes the exit code 1', async () => {
  await withContainer('multi1', ['busybox', 'sleep', '1000'], async () => {
    await withContainer('multi2', ['busybox', 'sleep', '1000'], async () => {
      const r = await d.moorage(['stop', '-t', '1', 'multi1', 'nope', 'multi2']);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, 'multi1\nmulti2\n');
      assert.match(r.stderr, /No such container: nope/);
    });
  });
});

test('stop --report prints what each process received and how it ended', async () => {
  await withContainer('reported', ['--init=false', 'busybox', 'sleep', '1000'], async () => {
    const r = await d.moorage(['stop', '-t', '1', '--report', 'reported']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^reported\n {2}signal SIG\w+/);
    assert.match(r.stdout, /PID\s+NSPID\s+COMMAND\s+SIGNAL\s+ENDED/);
    assert.match(r.stdout, /sleep 1000/);
    const json = await d.moorage(['stop', '--report', '--format', 'json', 'reported']);
    assert.equal(json.code, 0);
    const report = JSON.parse(json.stdout.split('\n')[1]!) as { processes: unknown[] };
    assert.ok(Array.isArray(report.processes));
  });
});

test('kill sends a signal; errors for missing, stopped containers and bad signals', async () => {
  await withContainer('killme', ['busybox', 'sleep', '1000'], async () => {
    const bad = await d.moorage(['kill', '-s', 'NOSUCHSIG', 'killme']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid signal/);
    const r = await d.moorage(['kill', 'killme']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'killme\n');
    const code = await d.moorage(['inspect', '--format', '{{.State.ExitCode}}', 'killme']);
    assert.equal(code.stdout.trim(), '137');
    const again = await d.moorage(['kill', '-s', 'TERM', 'killme']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not running/);
  });
  const missing = await d.moorage(['kill', 'no-such-container']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such container/);
});

test('restart stops and starts again; a missing container is an error', async () => {
  await withContainer('again', ['busybox', 'sleep', '1000'], async () => {
    const before = (await d.moorage(['inspect', '--format', '{{.State.StartedAt}}', 'again'])).stdout;
    const r = await d.moorage(['restart', '-t', '1', 'again']);
    assert.equal(r.code, 0, r.stderr);
    const after = await d.moorage(['inspect', '--format', '{{.State.Running}} {{.State.StartedAt}}', 'again']);
    assert.match(after.stdout, /^true /);
    assert.notEqual(after.stdout.split(' ')[1], before);
  });
  const missing = await d.moorage(['restart', 'no-such-container']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such container/);
  assert.equal((await d.moorage(['restart', '-t', 'x', 'a'])).code, 125);
});

test('wait prints the exit code; a missing container is an error', async () => {
  await withContainer('waiter', ['busybox', 'sh', '-c', 'sleep 0.3; exit 7'], async () => {
    const r = await d.moorage(['wait', 'waiter']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '7\n');
  });
  const missing = await d.moorage(['wait', 'no-such-container']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such container/);
});

test('logs split stdout and stderr, honour --tail and -t, and follow to the end', async () => {
  await withContainer('talker', ['busybox', 'sh', '-c', 'echo one; echo two >&2; echo three; sleep 0.5; echo four'], async () => {
    const f = await d.moorage(['logs', '-f', 'talker']);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, 'one\nthree\nfour\n');
    assert.equal(f.stderr, 'two\n');
    const tail = await d.moorage(['logs', '--tail', '1', 'talker']);
    assert.equal(tail.stdout + tail.stderr, 'four\n');
    const ts = await d.moorage(['logs', '-t', 'talker']);
    assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z one$/m);
    const until = await d.moorage(['logs', '--until', '1', 'talker']);
    assert.equal(until.code, 0);
    assert.equal(until.stdout, '');
  });
  const missing = await d.moorage(['logs', 'no-such-container']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such container/);
  assert.equal((await d.moorage(['logs', '--tail', 'lots', 'x'])).code, 125);
  assert.equal((await d.moorage(['logs', '--since', 'yesterday', 'x'])).code, 125);
});

test('inspect prints JSON or a template; a missing object is an error', async () => {
  await withContainer('looked', ['busybox', 'sleep', '1000'], async () => {
    const r = await d.moorage(['inspect', 'looked']);
    assert.equal(r.code, 0, r.stderr);
    const [c] = JSON.parse(r.stdout) as { Name: string; State: { Running: boolean } }[];
    assert.equal(c!.Name, '/looked');
    assert.equal(c!.State.Running, true);
    const t = await d.moorage(['inspect', '--format', '{{.Name}} {{json .State.Running}}', 'looked']);
    assert.equal(t.stdout, '/looked true\n');
    const img = await d.moorage(['inspect', '--format', '{{index .RepoTags 0}}', 'busybox']);
    assert.match(img.stdout, /^busybox(:latest)?\n$/);
  });
  const missing = await d.moorage(['inspect', 'no-such-container']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such object: no-such-container/);
  const typed = await d.moorage(['inspect', '--type', 'container', 'no-such-container']);
  assert.match(typed.stderr, /No such container: no-such-container/);
  const badFormat = await d.moorage(['inspect', '--format', '{{.Name', 'x']);
  assert.equal(badFormat.code, 1);
});

test('rm refuses a running container without -f and removes it with -f', async () => {
  const run = await d.moorage(['run', '-d', '--name', 'removable', 'busybox', 'sleep', '1000']);
  assert.equal(run.code, 0, run.stderr);
  try {
    const r = await d.moorage(['rm', 'removable']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error response from daemon: .*(running|stop)/i);
    const f = await d.moorage(['rm', '-f', 'removable']);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, 'removable\n');
  } finally {
    await d.moorage(['rm', '-f', 'removable']);
  }
  const missing = await d.moorage(['rm', 'no-such-container']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such container/);
});

test('pause and unpause freeze and thaw; errors for missing and not-paused containers', async () => {
  await withContainer('frozen', ['busybox', 'sleep', '1000'], async () => {
    assert.equal((await d.moorage(['pause', 'frozen'])).code, 0);
    assert.equal((await d.moorage(['inspect', '--format', '{{.State.Status}}', 'frozen'])).stdout, 'paused\n');
    const twice = await d.moorage(['pause', 'frozen']);
    assert.equal(twice.code, 1);
    assert.equal((await d.moorage(['unpause', 'frozen'])).code, 0);
    assert.equal((await d.moorage(['inspect', '--format', '{{.State.Status}}', 'frozen'])).stdout, 'running\n');
    const notPaused = await d.moorage(['unpause', 'frozen']);
    assert.equal(notPaused.code, 1);
    assert.match(notPaused.stderr, /not paused/);
  });
  for (const verb of ['pause', 'unpause']) {
    const missing = await d.moorage([verb, 'no-such-container']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such container/);
  }
});

test('doctor explains how a stop will go, as text or JSON', async () => {
  await withContainer('patient', ['--init=false', 'busybox', 'sleep', '1000'], async () => {
    const r = await d.moorage(['doctor', 'patient']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sleep 1000/);
    assert.match(r.stdout, /SIGTERM/);
    const j = await d.moorage(['doctor', '--format', 'json', 'patient']);
    const report = JSON.parse(j.stdout) as Record<string, unknown>;
    assert.ok(report && typeof report === 'object' && Object.keys(report).length > 0);
  });
  const missing = await d.moorage(['doctor', 'no-such-container']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such container/);
});
