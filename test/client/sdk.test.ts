/**
 * The SDK against a live daemon: negotiation, the container lifecycle, streams, typed errors,
 * and the stop whose answer comes only after the SIGKILL escalation.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { MoorageClient, collectOutput, NotFound, Conflict, InvalidParameter, MAX_API_VERSION,
  compareVersions } from '../../src/client/index.ts';

let d: TestDaemon;
let client: MoorageClient;
before(async () => {
  d = await startDaemon();
  client = new MoorageClient({ host: d.host });
});
after(async () => {
  client?.close();
  await d?.stop();
});

/** Creates a busybox container, runs `fn`, removes it. */
async function withContainer(cmd: string[], fn: (id: string) => Promise<void>,
  extra: Record<string, unknown> = {}): Promise<void> {
  const { Id } = await client.containers.create({ Image: 'busybox', Cmd: cmd, ...extra });
  try {
    await fn(Id);
  } finally {
    await client.containers.remove(Id, { force: true }).catch(() => {});
  }
}

test('the client negotiates an API version no newer than its own', async () => {
  const ping = await client.system.ping();
  assert.ok(ping.apiVersion);
  const v = await client.apiVersion();
  assert.ok(v && compareVersions(v, MAX_API_VERSION) <= 0);
  const version = await client.system.version();
  assert.equal(version.Os, 'linux');
  const info = await client.system.info();
  assert.equal(typeof info.Containers, 'number');
});

test('a container goes through create, start, inspect, list, stop, wait and remove', async () => {
  await withContainer(['sleep', '1000'], async (id) => {
    assert.deepEqual(await client.containers.start(id), { alreadyStarted: false });
    const c = await client.containers.inspect(id);
    assert.equal(c.State.Running, true);
    const list = await client.containers.list({ filters: { id: [id] } });
    assert.deepEqual(list.map((x) => x.Id), [id]);
    const waiting = client.containers.wait(id, { timeoutMs: 20_000 });
    assert.deepEqual(await client.containers.stop(id, { timeout: 1 }), { alreadyStopped: false });
    const w = await waiting;
    assert.ok(w.StatusCode === 143 || w.StatusCode === 137, String(w.StatusCode));
    assert.deepEqual(await client.containers.stop(id, { timeout: 1 }), { alreadyStopped: true });
    await client.containers.remove(id);
    await assert.rejects(client.containers.inspect(id), NotFound);
  }, { HostConfig: { Init: false } });
});

test('logs and attach deliver stdout and stderr apart', async () => {
  await withContainer(['sh', '-c', 'echo out; echo err >&2'], async (id) => {
    const a = await client.containers.attach(id);
    const attached = collectOutput(a.output);
    await client.containers.start(id);
    assert.equal((await client.containers.wait(id, { timeoutMs: 20_000 })).StatusCode, 0);
    const bound = setTimeout(() => a.close(), 5_000); // the engine ends the attach at exit; never hang
    assert.deepEqual(await attached, { stdout: 'out\n', stderr: 'err\n' });
    clearTimeout(bound);
    assert.deepEqual(await collectOutput(await client.containers.logs(id)), { stdout: 'out\n', stderr: 'err\n' });
  });
});

test('kill, restart, pause and unpause act on a running container', async () => {
  await withContainer(['sleep', '1000'], async (id) => {
    await client.containers.start(id);
    await client.containers.pause(id);
    assert.equal((await client.containers.inspect(id)).State.Status, 'paused');
    await client.containers.unpause(id);
    await client.containers.restart(id, { timeout: 1 });
    assert.equal((await client.containers.inspect(id)).State.Running, true);
    await client.containers.kill(id);
    assert.equal((await client.containers.inspect(id)).State.ExitCode, 137);
    await assert.rejects(client.containers.kill(id, { signal: 'TERM' }), Conflict);
  });
});

test('engine errors are typed and carry the engine message', async () => {
  await assert.rejects(client.containers.stop('no-such-container', { timeout: 1 }),
    (e: unknown) => e instanceof NotFound && /No such container/.test(e.message));
  await withContainer(['sleep', '1000'], async (id) => {
    await client.containers.start(id);
    await assert.rejects(client.containers.kill(id, { signal: 'NOSUCHSIG' }), InvalidParameter);
    await assert.rejects(client.containers.remove(id), Conflict);
  });
});

test('events stream the lifecycle of a container as it happens', async () => {
  const stream = await client.system.events({ filters: { container: ['sdk-events'], type: ['container'] } });
  const guard = setTimeout(() => stream.destroy(), 20_000);
  const actions: string[] = [];
  const collected = (async () => {
    for await (const e of stream) {
      actions.push(e.Action);
      if (e.Action === 'destroy') break;
    }
  })();
  try {
    const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['true'] }, { name: 'sdk-events' });
    try {
      await client.containers.start(Id);
      await client.containers.wait(Id, { timeoutMs: 20_000 });
    } finally {
      await client.containers.remove(Id, { force: true });
    }
    await collected.catch(() => {});
  } finally {
    clearTimeout(guard);
    stream.destroy();
  }
  for (const a of ['create', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `${a} in ${actions}`);
});

test('stop with timeout 5 of a container ignoring SIGTERM resolves after the SIGKILL, not with a client timeout', async () => {
  await withContainer(['sh', '-c', 'trap "" TERM; sleep 1000'], async (id) => {
    await client.containers.start(id);
    const t0 = Date.now();
    const r = await client.containers.stop(id, { timeout: 5 });
    const took = Date.now() - t0;
    assert.deepEqual(r, { alreadyStopped: false });
    assert.ok(took >= 4900, `stop answered after ${took} ms`);
    assert.equal((await client.containers.inspect(id)).State.ExitCode, 137);
  }, { HostConfig: { Init: false } });
});
