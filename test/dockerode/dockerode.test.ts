/**
 * dockerode (the most used Node.js Docker client) against a live moorage daemon.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

let d: TestDaemon;
let docker: Docker;
before(async () => {
  d = await startDaemon();
  docker = new Docker({ socketPath: d.socket });
});
after(async () => { await d?.stop(); });

test('ping and version answer', async () => {
  const pong = await docker.ping();
  assert.equal(String(pong), 'OK');
  const v = await docker.version();
  assert.match(v.ApiVersion, /^1\.\d+$/);
});

test('create, start, inspect, stop({t}), restart, wait, logs and remove', async () => {
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'echo hello; echo oops >&2; sleep 1000'],
    name: 'dockerode-life', Labels: { suite: 'dockerode' }, HostConfig: { Init: false } as Docker.HostConfig });
  try {
    await c.start();
    assert.equal((await c.inspect()).State.Running, true);
    await c.stop({ t: 1 });
    const stopped = await c.inspect();
    assert.equal(stopped.State.Running, false);
    assert.equal(stopped.State.ExitCode, 137);
    await assert.rejects(c.stop({ t: 1 }), (e: { statusCode?: number }) => e.statusCode === 304);
    await c.restart({ t: 1 });
    assert.equal((await c.inspect()).State.Running, true);
    const waiting = c.wait();
    await c.kill();
    assert.equal((await waiting as { StatusCode: number }).StatusCode, 137);
    const raw = await c.logs({ stdout: true, stderr: true, follow: false }) as unknown as Buffer;
    const out = new PassThrough();
    const err = new PassThrough();
    let o = '';
    let e = '';
    out.on('data', (x) => { o += x; });
    err.on('data', (x) => { e += x; });
    const src = new PassThrough();
    docker.modem.demuxStream(src, out, err);
    src.end(raw);
    await new Promise((r) => setImmediate(r));
    assert.match(o, /hello/);
    assert.match(e, /oops/);
  } finally {
    await c.remove({ force: true });
  }
  await assert.rejects(c.inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
});

test('listContainers honours all and filters', async () => {
  const a = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '1000'], name: 'dockerode-a', Labels: { pick: 'yes' } });
  const b = await docker.createContainer({ Image: 'busybox', Cmd: ['true'], name: 'dockerode-b' });
  try {
    await a.start();
    const running = await docker.listContainers({ filters: { label: ['pick=yes'] } });
    assert.deepEqual(running.map((x) => x.Names[0]), ['/dockerode-a']);
    const all = await docker.listContainers({ all: true, filters: { name: ['dockerode-b'] } });
    assert.deepEqual(all.map((x) => x.Id), [b.id]);
    const exitedOnly = await docker.listContainers({ all: true, filters: { status: ['created'], name: ['dockerode-'] } });
    assert.deepEqual(exitedOnly.map((x) => x.Id), [b.id]);
  } finally {
    await a.remove({ force: true });
    await b.remove({ force: true });
  }
});

test('getEvents streams container events', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['true'], name: 'dockerode-ev' });
  try {
    await c.start();
    await c.wait();
  } finally {
    await c.remove({ force: true });
  }
  const stream = await docker.getEvents({ since, until: Math.floor(Date.now() / 1000) + 1,
    filters: { container: [c.id] } }) as NodeJS.ReadableStream & { destroy(): void };
  const guard = setTimeout(() => stream.destroy(), 20_000); // the daemon closes at `until`; never hang
  let text = '';
  try {
    for await (const chunk of stream) text += chunk;
  } catch { /* destroyed by the guard: the assertions below tell what arrived */ }
  clearTimeout(guard);
  const actions = text.trim().split('\n').map((l) => (JSON.parse(l) as { Action: string }).Action);
  for (const a of ['create', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `${a} in ${actions}`);
});
