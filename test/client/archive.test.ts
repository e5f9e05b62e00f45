/**
 * The SDK's container files against a live daemon: archiveStat, getArchive, putArchive, export
 * and changes, with their typed errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { makeTar, readEntries } from '../helpers/tar.ts';
import { InvalidParameter, MODE_DIR, MODE_SYMLINK, MoorageClient, NotFound } from '../../src/client/index.ts';

let d: TestDaemon;
let client: MoorageClient;
let id: string;
before(async () => {
  d = await startDaemon();
  client = new MoorageClient({ host: d.host });
  id = (await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '1000'], User: 'nobody' })).Id;
});
after(async () => {
  await client?.containers.remove(id, { force: true }).catch(() => {});
  client?.close();
  await d?.stop();
});

/** The entries of a tar stream: name → content. */
const entries = async (stream: Readable) => new Map((await readEntries(stream)).map((e) => [e.name, e.text]));

test('archiveStat: Go file modes and link targets; a missing path is NotFound', async () => {
  const etc = await client.containers.archiveStat(id, '/etc');
  assert.equal(etc.name, 'etc');
  assert.ok(etc.mode & MODE_DIR);
  const sh = await client.containers.archiveStat(id, '/bin/sh');
  assert.ok(sh.mode & MODE_SYMLINK);
  assert.equal(sh.linkTarget, '/bin/busybox');
  await assert.rejects(client.containers.archiveStat(id, '/nope'), (err: Error) => err instanceof NotFound && /Could not find the file \/nope/.test(err.message));
});

test('putArchive then getArchive on a container that never ran; copyUIDGID and noOverwriteDirNonDir', async () => {
  await client.containers.putArchive(id, '/tmp', await makeTar([{ name: 'd', type: 'directory' }, { name: 'd/f', body: 'sdk\n', uid: 42 }]));
  const got = await client.containers.getArchive(id, '/tmp/d');
  assert.equal(got.stat.name, 'd');
  assert.deepEqual([...(await entries(got.stream))], [['d', ''], ['d/f', 'sdk\n']]);
  await client.containers.putArchive(id, '/tmp', Readable.from([await makeTar([{ name: 'mine', body: 'x' }])]), { copyUIDGID: true });
  const [mine] = await readEntries((await client.containers.getArchive(id, '/tmp/mine')).stream);
  assert.deepEqual([mine!.uid, mine!.gid], [65534, 65534]);
  await assert.rejects(client.containers.putArchive(id, '/tmp', await makeTar([{ name: 'd', body: 'x' }]), { noOverwriteDirNonDir: true }),
    (err: Error) => err instanceof InvalidParameter && /cannot overwrite directory/.test(err.message));
  await assert.rejects(client.containers.putArchive(id, '/nope', await makeTar([])), NotFound);
});

test('export streams the whole filesystem; changes lists what changed', async () => {
  const all = await entries(await client.containers.export(id));
  assert.equal(all.get('tmp/d/f'), 'sdk\n');
  assert.ok(all.has('bin/busybox'));
  const changes = await client.containers.changes(id);
  assert.deepEqual(changes.filter((c) => c.Path.startsWith('/tmp')), [
    { Path: '/tmp', Kind: 0 }, { Path: '/tmp/d', Kind: 1 }, { Path: '/tmp/d/f', Kind: 1 }, { Path: '/tmp/mine', Kind: 1 },
  ]);
  const fresh = await client.containers.create({ Image: 'busybox', Cmd: ['true'] });
  try {
    assert.deepEqual(await client.containers.changes(fresh.Id), []);
  } finally {
    await client.containers.remove(fresh.Id);
  }
});
