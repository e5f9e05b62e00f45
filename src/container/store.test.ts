import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRecord } from './container.ts';
import { initialState } from './state.ts';
import { ContainerStore } from './store.ts';

function record(id: string, name: string): ContainerRecord {
  return {
    Id: id, Name: name, Created: new Date().toISOString(), Path: 'true', Args: [], Image: 'sha256:x',
    Config: { Hostname: '', User: '', Env: [], Cmd: ['true'], Entrypoint: null, Image: 'busybox', WorkingDir: '', Labels: {}, Tty: false, OpenStdin: false, StdinOnce: false, AttachStdin: false, AttachStdout: true, AttachStderr: true },
    HostConfig: { Binds: null, AutoRemove: false, RestartPolicy: { Name: '', MaximumRetryCount: 0 }, Init: null, NetworkMode: 'none' },
    State: initialState(), RestartCount: 0, Task: null, LastStop: null,
  };
}

test('checkpoints land newest-last, concurrent calls share a queued write, and reload', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moorage-store-'));
  try {
    const store = new ContainerStore(dir);
    const c = await store.add(record('a'.repeat(64), '/one'));
    const writes = [1, 2, 3].map((n) => { c.record.RestartCount = n; return store.checkpoint(c); });
    assert.equal(writes[1], writes[2], 'the second and third call share the queued write');
    await Promise.all(writes);
    const onDisk = JSON.parse(await readFile(join(dir, c.id, 'config.v2.json'), 'utf8')) as ContainerRecord;
    assert.equal(onDisk.RestartCount, 3);
    await mkdir(join(dir, 'broken'));
    await writeFile(join(dir, 'broken', 'config.v2.json'), '{not json');
    const again = new ContainerStore(dir);
    const loaded = await again.load();
    assert.deepEqual(loaded.unreadable.map((f) => f.id), ['broken']);
    assert.equal(again.get('one').record.RestartCount, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('lookup goes by full ID, then name, then unique prefix; ambiguity and misses are errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moorage-store-'));
  try {
    const store = new ContainerStore(dir);
    const a = await store.add(record(`ab${'1'.repeat(62)}`, '/web'));
    const b = await store.add(record(`ac${'2'.repeat(62)}`, '/db'));
    assert.equal(store.get(a.id), a);
    assert.equal(store.get('/db'), b);
    assert.equal(store.get('db'), b);
    assert.equal(store.get('ab'), a);
    assert.throws(() => store.get('a'), { name: 'InvalidParameter' });
    assert.throws(() => store.get('zz'), { name: 'NotFound', message: 'No such container: zz' });
    await assert.rejects(store.add(record('c'.repeat(64), '/web')), { name: 'Conflict' });
    await store.remove(a);
    assert.equal(store.find('web'), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
