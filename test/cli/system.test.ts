/**
 * The moorage CLI's system verbs against a live daemon: version, info, events; the -H flag.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, statfs } from 'node:fs/promises';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.stop(); });

test('version shows the client and the engine', async () => {
  const r = await d.moorage(['version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Client:\n Version:/);
  assert.match(r.stdout, /\nServer:\n Version: +\S+/);
  const j = await d.moorage(['version', '--format', 'json']);
  const v = JSON.parse(j.stdout) as { Server: { ApiVersion: string }; Client: { ApiVersion: string } };
  assert.match(v.Server.ApiVersion, /^1\.\d+$/);
  const t = await d.moorage(['version', '--format', '{{.Client.ApiVersion}}']);
  assert.match(t.stdout, /^1\.\d+\n$/);
});

test('info summarises the engine', async () => {
  const r = await d.moorage(['info']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Containers: +\d+/);
  assert.match(r.stdout, /Images: +\d+/);
  const j = await d.moorage(['info', '--format', 'json']);
  assert.equal(typeof (JSON.parse(j.stdout) as { Containers: number }).Containers, 'number');
});

test('-H selects the daemon; an unreachable one is an error', async () => {
  const r = await d.moorage(['-H', d.host, 'version', '--format', '{{.Server.Os}}']);
  assert.equal(r.stdout, 'linux\n');
  const bad = await d.moorage(['-H', 'unix:///nonexistent/moorage.sock', 'info']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Cannot connect to the moorage daemon/);
  const invalid = await d.moorage(['-H', 'ssh://nope', 'info']);
  assert.equal(invalid.code, 1);
});

test('events replays a container\'s lifecycle with filters and formats', async () => {
  const since = (Date.now() / 1000 - 1).toFixed(3);
  const run = await d.moorage(['run', '--rm', '--name', 'evented', 'busybox', 'true']);
  assert.equal(run.code, 0, run.stderr);
  const until = (Date.now() / 1000 + 0.5).toFixed(3);
  const r = await d.moorage(['events', '--since', since, '--until', until, '--filter', 'container=evented',
    '--format', '{{.Action}}'], { timeoutMs: 20_000 });
  assert.equal(r.code, 0, r.stderr);
  const actions = r.stdout.trim().split('\n');
  for (const a of ['create', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `${a} in ${actions}`);
  const human = await d.moorage(['events', '--since', since, '--until', until, '--filter', 'event=die'], { timeoutMs: 20_000 });
  assert.match(human.stdout, /^\S+Z container die [0-9a-f]{64} \(.*exitCode=0.*name=evented.*\)$/m);
  const json = await d.moorage(['events', '--since', since, '--until', until, '--filter', 'type=container', '--format', 'json'], { timeoutMs: 20_000 });
  assert.ok(json.stdout.trim().split('\n').every((l) => (JSON.parse(l) as { Type: string }).Type === 'container'));
});

test('events refuses bad times and filters', async () => {
  assert.equal((await d.moorage(['events', '--since', 'whenever'])).code, 125);
  assert.equal((await d.moorage(['events', '--filter', 'oops'])).code, 125);
  const r = await d.moorage(['events', '--since', '10', '--until', '5']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error response from daemon/);
});

test('--version prints the version and the build, as docker --version does', async () => {
  const r = await d.moorage(['--version']);
  assert.equal(r.code, 0, r.stderr);
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.match(r.stdout, new RegExp(`^moorage version ${pkg.version.replace(/\./g, '\\.')}, build \\S+\\n$`));
});

test('the daemon verb exits 125 on a bad flag, as docker and the other verbs do', async () => {
  for (const args of [['--bogus'], ['--default-stop-timeout', 'soon'], ['--runtime', 'kata']]) {
    const r = await d.moorage(['daemon', ...args]);
    assert.equal(r.code, 125, `daemon ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /error: /);
  }
});

test('info reports the host\'s real cgroup layout', async () => {
  const root = await statfs('/sys/fs/cgroup');
  const unified = await statfs('/sys/fs/cgroup/unified').catch(() => null);
  const CGROUP2 = 0x63677270;
  const layout = root.type === CGROUP2 ? 'unified' : unified?.type === CGROUP2 ? 'hybrid' : 'legacy';
  const info = JSON.parse((await d.docker(['info', '--format', '{{json .}}'])).stdout) as Record<string, unknown>;
  assert.equal(info.CgroupVersion, layout === 'unified' ? '2' : '1');
  assert.equal(info.CgroupDriver, 'cgroupfs');
  const own = JSON.parse((await d.moorage(['info', '--format', 'json'])).stdout) as Record<string, unknown>;
  assert.equal(own.CgroupLayout, layout);
});
