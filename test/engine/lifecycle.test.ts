/**
 * The container lifecycle through the real docker CLI against a real moorage daemon.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

describe('container lifecycle through the docker CLI', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  test('run --rm busybox echo hi prints hi, exits 0 and leaves no container', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'echo', 'hi']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    assert.equal((await d.docker(['ps', '-aq'])).stdout, '');
  });

  test('a foreground run returns the container exit code and both streams', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  test('run -d, ps, inspect, logs and rm', async () => {
    const run = await d.docker(['run', '-d', '--name', 'web', '-l', 'tier=front', '-e', 'GREETING=hello', '-w', '/tmp',
      'busybox', 'sh', '-c', 'echo $GREETING from $(pwd); echo oops >&2; sleep 1000']);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    try {
      const ps = await d.docker(['ps', '--format', '{{.ID}} {{.Names}} {{.Status}}']);
      assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)} web Up (Less than a second|\\d+ seconds?)$`, 'm'));
      const state = await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.Running}} {{.Name}} {{index .Config.Labels "tier"}}', 'web']);
      assert.equal(state.stdout.trim(), 'running true /web front');
      const pid = Number((await d.docker(['inspect', '-f', '{{.State.Pid}}', id.slice(0, 8)])).stdout);
      assert.ok(pid > 1);
      let logs = await d.docker(['logs', 'web']);
      for (let i = 0; i < 50 && !logs.stdout; i++) {
        await new Promise((r) => setTimeout(r, 50));
        logs = await d.docker(['logs', 'web']);
      }
      assert.equal(logs.stdout, 'hello from /tmp\n');
      assert.equal(logs.stderr, 'oops\n');
      const ts = await d.docker(['logs', '-t', '--tail', '1', 'web']);
      assert.match(ts.stdout + ts.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (hello from \/tmp|oops)\n$/);
      const rm = await d.docker(['rm', 'web']);
      assert.equal(rm.code, 1);
      assert.match(rm.stderr, /container is running: stop the container before removing or force remove/);
    } finally {
      assert.equal((await d.docker(['rm', '-f', id])).code, 0);
    }
    const gone = await d.docker(['inspect', id]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No such (object|container)/);
  });

  test('ps -n and ps -l list the newest containers whatever their state', async () => {
    const older = (await d.docker(['create', 'busybox', 'true'])).stdout.trim();
    const newer = (await d.docker(['create', 'busybox', 'true'])).stdout.trim();
    try {
      assert.equal((await d.docker(['ps', '-q', '--no-trunc'])).stdout, '', 'created containers are not running');
      assert.equal((await d.docker(['ps', '-q', '--no-trunc', '-n', '1'])).stdout.trim(), newer);
      assert.equal((await d.docker(['ps', '-q', '--no-trunc', '-l'])).stdout.trim(), newer);
      assert.deepEqual((await d.docker(['ps', '-q', '--no-trunc', '-n', '2'])).stdout.trim().split('\n'), [newer, older]);
    } finally {
      await d.docker(['rm', '-f', older, newer]);
    }
  });

  test('logs --follow streams new output until the container exits', async () => {
    const id = (await d.docker(['run', '-d', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done'])).stdout.trim();
    try {
      const r = await d.docker(['logs', '-f', id], { timeoutMs: 15_000 });
      assert.equal(r.code, 0);
      assert.equal(r.stdout, 'line1\nline2\nline3\n');
      const until = await d.docker(['logs', '--since', '0', '--until', '1', id]);
      assert.equal(until.stdout, '');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('ps -a lists exited containers with Docker status strings and filters', async () => {
    const a = (await d.docker(['run', '-d', '--name', 'exits-zero', '-l', 'group=a', 'busybox', 'true'])).stdout.trim();
    const b = (await d.docker(['run', '-d', '--name', 'exits-two', '-l', 'group=b', 'busybox', 'sh', '-c', 'exit 2'])).stdout.trim();
    try {
      assert.equal((await d.docker(['wait', a])).stdout.trim(), '0');
      assert.equal((await d.docker(['wait', b])).stdout.trim(), '2');
      const all = await d.docker(['ps', '-a', '--format', '{{.Names}}|{{.Status}}']);
      assert.match(all.stdout, /^exits-two\|Exited \(2\) (Less than a second|\d+ seconds?) ago$/m);
      assert.match(all.stdout, /^exits-zero\|Exited \(0\) /m);
      const byLabel = await d.docker(['ps', '-a', '-q', '--no-trunc', '--filter', 'label=group=b']);
      assert.equal(byLabel.stdout.trim(), b);
      const byName = await d.docker(['ps', '-a', '-q', '--no-trunc', '--filter', 'name=exits-zero']);
      assert.equal(byName.stdout.trim(), a);
      const byStatus = await d.docker(['ps', '-q', '--no-trunc', '--filter', 'status=exited', '--filter', `id=${a.slice(0, 10)}`]);
      assert.equal(byStatus.stdout.trim(), a);
      const running = await d.docker(['ps', '-q', '--filter', 'label=group=b']);
      assert.equal(running.stdout, '');
    } finally {
      await d.docker(['rm', '-f', a, b]);
    }
  });

  test('a missing container gives "No such container" and exit 1 for every verb', async () => {
    for (const verb of [['stop'], ['kill'], ['rm'], ['logs'], ['wait'], ['start'], ['restart']]) {
      const r = await d.docker([...verb, 'no-such-thing']);
      assert.equal(r.code, 1, `${verb}: ${r.stderr}`);
      assert.match(r.stderr, /No such container: no-such-thing/, verb.join(' '));
    }
  });

  test('a name that is taken, an invalid name and a missing image are refused', async () => {
    const id = (await d.docker(['create', '--name', 'taken', 'busybox', 'true'])).stdout.trim();
    try {
      const dup = await d.docker(['create', '--name', 'taken', 'busybox', 'true']);
      assert.notEqual(dup.code, 0);
      assert.match(dup.stderr, /is already in use by container/);
      const bad = await d.docker(['create', '--name', '-bad', 'busybox', 'true']);
      assert.notEqual(bad.code, 0);
      const img = await d.docker(['create', 'nosuchimage:1']);
      assert.notEqual(img.code, 0);
      assert.match(img.stderr, /nosuchimage/);
      const status = await d.docker(['inspect', '-f', '{{.State.Status}}', 'taken']);
      assert.equal(status.stdout.trim(), 'created');
      const ps = await d.docker(['ps', '-a', '--filter', 'name=taken', '--format', '{{.Status}}']);
      assert.equal(ps.stdout.trim(), 'Created');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('a missing executable fails the start with exit code 127', async () => {
    const r = await d.docker(['run', '--init=false', '--name', 'noexec', 'busybox', '/no/such/binary']);
    assert.equal(r.code, 127, r.stderr);
    assert.match(r.stderr, /no such file or directory|not found/i);
    const state = await d.docker(['inspect', '-f', '{{.State.ExitCode}} {{.State.Status}}', 'noexec']);
    assert.equal(state.stdout.trim(), '127 created');
    await d.docker(['rm', '-f', 'noexec']);
    // With the init, the init runs and reports the failed exec as exit 127, as docker --init does.
    const withInit = await d.docker(['run', '--rm', 'busybox', '/no/such/binary']);
    assert.equal(withInit.code, 127);
  });

  test('a bind mount is visible inside the container and read-only binds refuse writes', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/moorage-bind-');
    try {
      const w = await d.docker(['run', '--rm', '-v', `${dir}:/data`, 'busybox', 'sh', '-c', 'echo written > /data/f']);
      assert.equal(w.code, 0, w.stderr);
      assert.equal(await readFile(`${dir}/f`, 'utf8'), 'written\n');
      const ro = await d.docker(['run', '--rm', '-v', `${dir}:/data:ro`, 'busybox', 'sh', '-c', 'echo x > /data/g']);
      assert.notEqual(ro.code, 0);
      assert.match(ro.stderr, /Read-only file system/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a user and a working directory are applied', async () => {
    const r = await d.docker(['run', '--rm', '-u', 'nobody', '-w', '/tmp', 'busybox', 'sh', '-c', 'id -u; pwd']);
    assert.equal(r.stdout, '65534\n/tmp\n');
  });

  test('the daemon answers version and info with its API version', async () => {
    const v = await d.docker(['version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(v.stdout.trim(), '1.50');
    const info = await d.docker(['info', '--format', '{{.Driver}}']);
    assert.equal(info.stdout.trim(), 'overlay');
  });
});
