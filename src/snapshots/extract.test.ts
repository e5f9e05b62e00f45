import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { makeTar, type TarEntry as Entry } from '../../test/helpers/tar.ts';
import { extractLayer, safeEntryPath } from './extract.ts';

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
  assert.equal(safeEntryPath('./'), '.');
  assert.throws(() => safeEntryPath('/etc/passwd'), /absolute path/);
  assert.throws(() => safeEntryPath('../x'), /escapes/);
  assert.throws(() => safeEntryPath('a/../../x'), /escapes/);
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

/** A host directory outside the layer, with a file the archives below try to reach. */
async function hostDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moorage-host-'));
  await writeFile(join(dir, 'secret'), 'host secret', { mode: 0o600 });
  return dir;
}

test('a directory mode cannot reach the host through a directory later replaced by a symlink', async () => {
  const host = await hostDir();
  try {
    const before = (await stat(host)).mode;
    const out = await extractTo(await makeTar([
      { name: 'a', type: 'directory' }, { name: 'a/target', type: 'directory', mode: 0o777 },
      { name: 'a', type: 'symlink', linkname: host }, { name: 'a/secret', type: 'directory', mode: 0o777 },
    ]));
    assert.equal(out.err?.name, 'InvalidParameter', 'the write through the symlink is refused');
    assert.equal((await stat(host)).mode, before);
    assert.equal((await stat(join(host, 'secret'))).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(host), ['secret']);
  } finally {
    await rm(host, { recursive: true, force: true });
  }
});

test('metadata of a replaced directory is never applied through the symlink that replaced it', async () => {
  const host = await hostDir();
  try {
    const out = await extractTo(await makeTar([
      { name: 'a', type: 'directory' }, { name: 'a/secret', type: 'directory', mode: 0o777, mtime: 1000 },
      { name: 'a', type: 'symlink', linkname: host },
    ]));
    assert.ok(out.root, String(out.err));
    assert.equal((await stat(join(host, 'secret'))).mode & 0o777, 0o600);
    assert.notEqual((await stat(join(host, 'secret'))).mtimeMs, 1_000_000);
    assert.equal(await readlink(join(out.root, 'a')), host);
    await rm(out.root, { recursive: true, force: true });
  } finally {
    await rm(host, { recursive: true, force: true });
  }
});

test('a hard link cannot reach a host file through a directory replaced by a symlink', async () => {
  const host = await hostDir();
  try {
    const out = await extractTo(await makeTar([
      { name: 'b', type: 'directory' }, { name: 'b/secret', body: 'layer file' },
      { name: 'b', type: 'symlink', linkname: host }, { name: 'leak', type: 'link', linkname: 'b/secret' },
    ]));
    assert.equal(out.err?.name, 'InvalidParameter');
    assert.match(out.err!.message, /symlink/);
    assert.equal((await stat(join(host, 'secret'))).nlink, 1, 'no new link to the host file');
  } finally {
    await rm(host, { recursive: true, force: true });
  }
});

test('ownership, modes, times, devices, fifos and binary extended attributes are kept', async () => {
  const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x80, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const out = await extractTo(await makeTar([
    { name: 'etc', type: 'directory', mode: 0o750, uid: 7, gid: 8, mtime: 1_600_000_000 },
    { name: 'etc/tool', body: 'x', mode: 0o4755, uid: 1000, gid: 1001, mtime: 1_500_000_000, xattrs: { 'security.capability': cap, 'user.note': Buffer.from('hi') } },
    { name: 'dev/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3 },
    { name: 'run/pipe', type: 'fifo', mode: 0o600 },
    { name: 'etc/link', type: 'symlink', linkname: '../../../../../outside', uid: 5, gid: 6 },
  ]));
  assert.ok(out.root, String(out.err));
  try {
    const tool = await stat(join(out.root, 'etc/tool'));
    assert.equal(tool.mode & 0o7777, 0o4755, 'set-uid survives the chown');
    assert.deepEqual([tool.uid, tool.gid, tool.mtimeMs], [1000, 1001, 1_500_000_000_000]);
    const dir = await stat(join(out.root, 'etc'));
    assert.deepEqual([dir.mode & 0o777, dir.uid, dir.gid, dir.mtimeMs], [0o750, 7, 8, 1_600_000_000_000]);
    const hex = execFileSync('getfattr', ['-e', 'hex', '-n', 'security.capability', join(out.root, 'etc/tool')], { encoding: 'utf8' });
    assert.match(hex, new RegExp(`security.capability=0x${cap.toString('hex')}`));
    const dev = await stat(join(out.root, 'dev/null'));
    assert.ok(dev.isCharacterDevice());
    assert.equal(dev.rdev, (1 << 8) | 3);
    assert.ok((await stat(join(out.root, 'run/pipe'))).isFIFO());
    const link = await lstat(join(out.root, 'etc/link'));
    assert.deepEqual([link.uid, link.gid], [5, 6]);
    assert.equal(await readlink(join(out.root, 'etc/link')), '../../../../../outside', 'symlink targets are data');
  } finally {
    await rm(out.root, { recursive: true, force: true });
  }
});

test('a truncated archive and a bad checksum are refused', async () => {
  const good = await makeTar([{ name: 'f', body: 'x'.repeat(2000) }]);
  assert.equal((await extractTo(good.subarray(0, 1200))).err?.name, 'InvalidParameter');
  const bad = Buffer.from(good);
  bad[10] = 0x41;
  assert.equal((await extractTo(bad)).err?.name, 'InvalidParameter');
});

test('an archive of 20,000 entries extracts', async () => {
  const entries = Array.from({ length: 20_000 }, (_, i) => ({ name: `d${i % 100}/f${i}`, body: String(i) }));
  const t0 = Date.now();
  const out = await extractTo(await makeTar(entries));
  assert.ok(out.root, String(out.err));
  assert.equal(out.r!.entries, 20_000);
  assert.equal(await readFile(join(out.root, 'd7/f19907'), 'utf8'), '19907');
  await rm(out.root, { recursive: true, force: true });
  assert.ok(Date.now() - t0 < 60_000);
});
