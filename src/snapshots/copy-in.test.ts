import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { makeTar, type TarEntry } from '../../test/helpers/tar.ts';
import type { MoorageError } from '../errors.ts';
import { copyIn, type CopyInOptions } from './copy-in.ts';

/** A container root whose links point at a host directory (by its host path, and by climbing). */
let base: string;
let root: string;
let host: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'moorage-copyin-'));
  host = join(base, 'host');
  await mkdir(host);
  await writeFile(join(host, 'secret'), 'host secret\n');
});
after(async () => { await rm(base, { recursive: true, force: true }); });
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

async function freshRoot(): Promise<void> {
  root = join(base, `root-${Math.random().toString(36).slice(2)}`);
  await mkdir(join(root, 'etc'), { recursive: true });
  await mkdir(join(root, 'dst/sub'), { recursive: true });
  await symlink(`/${'../'.repeat(10)}${host.slice(1)}`, join(root, 'climb'));
  await symlink(host, join(root, 'hostpath'));
}

const copy = async (entries: TarEntry[], dir: string, opts: CopyInOptions = {}) =>
  copyIn(Readable.from([await makeTar(entries)]), root, dir, opts);

async function hostUntouched(): Promise<void> {
  assert.deepEqual(await readdir(host), ['secret']);
  assert.equal(await readFile(join(host, 'secret'), 'utf8'), 'host secret\n');
}

test('entries land in the directory, relative to it; a leading slash is dropped', async () => {
  await freshRoot();
  assert.equal(await copy([{ name: 'a', body: 'A' }, { name: '/b', body: 'B' }, { name: 'sub/c', body: 'C' }], 'dst'), 3);
  assert.equal(await readFile(join(root, 'dst/a'), 'utf8'), 'A');
  assert.equal(await readFile(join(root, 'dst/b'), 'utf8'), 'B');
  assert.equal(await readFile(join(root, 'dst/sub/c'), 'utf8'), 'C');
});

for (const dir of ['climb', 'hostpath']) {
  test(`a copy through the container's link ${dir} writes inside its root, never to the host`, async () => {
    await freshRoot();
    await copy([{ name: 'owned', body: 'x' }, { name: 'secret', body: 'overwritten' }], dir).catch(() => {});
    await hostUntouched();
  });
}

test('entries that climb out, or write through a link the archive or the container made, stay inside', async () => {
  await freshRoot();
  await assert.rejects(copy([{ name: '../../../escape', body: 'x' }], 'dst'), (e: MoorageError) => e.kind === 'invalid');
  await copy([{ name: 's', type: 'symlink', linkname: host }, { name: 's/owned', body: 'x' }], 'dst').catch(() => {});
  await copy([{ name: 'climb/owned', body: 'x' }, { name: 'hostpath/owned', body: 'x' }], '').catch(() => {});
  await copy([{ name: 'h', type: 'link', linkname: 'hostpath/secret' }], '').catch(() => {});
  await hostUntouched();
  assert.equal((await stat(join(host, 'secret'))).nlink, 1);
});

test('a gzip archive is accepted; copyUIDGID owns every file by the given user', async () => {
  await freshRoot();
  const tar = gzipSync(await makeTar([{ name: 'd', type: 'directory', uid: 7 }, { name: 'd/f', body: 'x', uid: 7, gid: 7 }]));
  await copyIn(Readable.from([tar]), root, 'dst', { owner: { uid: 65534, gid: 65534 } });
  for (const p of ['dst/d', 'dst/d/f']) {
    const st = await lstat(join(root, p));
    assert.deepEqual([st.uid, st.gid], [65534, 65534]);
  }
});

test('keepKinds refuses to replace a directory with a file and a file with a directory', async () => {
  await freshRoot();
  await writeFile(join(root, 'dst/file'), 'x');
  await assert.rejects(copy([{ name: 'sub', body: 'x' }], 'dst', { keepKinds: true }), /cannot overwrite directory with non-directory/);
  await assert.rejects(copy([{ name: 'file', type: 'directory' }], 'dst', { keepKinds: true }), /cannot overwrite non-directory with directory/);
  assert.ok((await stat(join(root, 'dst/sub'))).isDirectory());
  await copy([{ name: 'sub', body: 'replaced' }], 'dst');
  assert.equal(await readFile(join(root, 'dst/sub'), 'utf8'), 'replaced');
});
