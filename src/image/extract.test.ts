import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { makeTar, type TarEntry as Entry } from '../../test/helpers/tar.ts';
import { checkSymlinkTarget, extractLayer, safeEntryPath } from './extract.ts';

async function extractTo(buf: Buffer) {
  const root = await mkdtemp(join(tmpdir(), 'moorage-extract-'));
  try {
    const r = await extractLayer(Readable.from([buf]), root);
    return { root, r };
  } catch (err) {
    const left = await readdir(root);
    await rm(root, { recursive: true, force: true });
    return { err: err as Error, left };
  }
}

test('safeEntryPath keeps relative paths and refuses absolute ones and climbs', () => {
  assert.equal(safeEntryPath('./bin/sh'), 'bin/sh');
  assert.equal(safeEntryPath('a/../b'), 'b');
  assert.equal(safeEntryPath('./'), '');
  assert.throws(() => safeEntryPath('/etc/passwd'), /absolute path/);
  assert.throws(() => safeEntryPath('../x'), /escapes/);
  assert.throws(() => safeEntryPath('a/../../x'), /escapes/);
});

test('checkSymlinkTarget allows absolute and inside targets, refuses climbs out', () => {
  checkSymlinkTarget('bin/sh', '/bin/busybox');
  checkSymlinkTarget('usr/bin/x', '../../bin/busybox');
  assert.throws(() => checkSymlinkTarget('a/link', '../../etc'), /points outside/);
});

test('a good archive extracts files, directories, symlinks and hard links', async () => {
  const buf = await makeTar([
    { name: 'bin/', type: 'directory' }, { name: 'bin/tool', body: 'echo hi' },
    { name: 'bin/alias', type: 'symlink', linkname: 'tool' }, { name: 'bin/hard', type: 'link', linkname: 'bin/tool' },
  ]);
  const out = await extractTo(buf);
  assert.ok(out.root, String(out.err));
  try {
    assert.equal(await readFile(join(out.root, 'bin/tool'), 'utf8'), 'echo hi');
    assert.equal(await readlink(join(out.root, 'bin/alias')), 'tool');
    assert.equal(await readFile(join(out.root, 'bin/hard'), 'utf8'), 'echo hi');
    assert.equal(out.r!.entries, 4);
    assert.match(out.r!.digest, /^[0-9a-f]{64}$/);
  } finally {
    await rm(out.root, { recursive: true, force: true });
  }
});

test('a gzip archive is accepted', async () => {
  const out = await extractTo(gzipSync(await makeTar([{ name: 'f', body: 'x' }])));
  assert.ok(out.root, String(out.err));
  await rm(out.root, { recursive: true, force: true });
});

for (const [what, entries] of [
  ['a path with ..', [{ name: 'ok', body: 'x' }, { name: '../escape', body: 'x' }]],
  ['an absolute path', [{ name: '/etc/evil', body: 'x' }]],
  ['a symlink that climbs out', [{ name: 'up', type: 'symlink', linkname: '../../../../etc' }]],
  ['a write through a symlink', [{ name: 'dir', type: 'symlink', linkname: '/tmp' }, { name: 'dir/owned', body: 'x' }]],
  ['a hard link to a host file', [{ name: 'passwd', type: 'link', linkname: '/etc/passwd' }]],
  ['a write through a hard link to a symlink', [{ name: 's', type: 'symlink', linkname: '/tmp' }, { name: 'h', type: 'link', linkname: 's' }, { name: 'h/moorage-owned', body: 'x' }]],
  ['a hard link with ..', [{ name: 'passwd', type: 'link', linkname: '../../etc/passwd' }]],
] as [string, Entry[]][]) {
  test(`an archive with ${what} is refused as invalid`, async () => {
    const out = await extractTo(await makeTar(entries));
    assert.ok(out.err, 'extraction should fail');
    assert.equal(out.err.name, 'InvalidParameter');
  });
}

test('a file over an earlier symlink replaces the link instead of writing through it', async () => {
  const outside = await mkdtemp(join(tmpdir(), 'moorage-outside-'));
  try {
    const out = await extractTo(await makeTar([
      { name: 'x', type: 'symlink', linkname: `${outside}/pwned` }, { name: 'x', body: 'inside' },
      { name: 'd', type: 'symlink', linkname: outside }, { name: 'd', type: 'directory', mode: 0o777 },
    ]));
    assert.ok(out.root, String(out.err));
    assert.equal(await readFile(join(out.root, 'x'), 'utf8'), 'inside');
    assert.deepEqual(await readdir(outside), []);
    assert.equal((await stat(outside)).mode & 0o777, 0o700);
    await rm(out.root, { recursive: true, force: true });
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
});

test('garbage is refused as an invalid archive', async () => {
  const out = await extractTo(Buffer.from('this is not a tar file at all, not even close'.repeat(20)));
  assert.equal(out.err?.name, 'InvalidParameter');
});
