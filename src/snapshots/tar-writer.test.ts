import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { readTar, type TarEntry } from './tar-reader.ts';
import { writeTar, type TarWriteEntry } from './tar-writer.ts';

const run = promisify(execFile);

async function bytes(entries: TarWriteEntry[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of writeTar(entries)) parts.push(b);
  return Buffer.concat(parts);
}

/** Reads an archive back with the project's reader, bodies as text. */
async function readBack(buf: Buffer): Promise<(Omit<TarEntry, 'body'> & { text: string })[]> {
  const out = [];
  for await (const e of readTar(Readable.from([buf]))) {
    const chunks: Buffer[] = [];
    for await (const c of e.body) chunks.push(c);
    const { body: _, ...rest } = e;
    out.push({ ...rest, text: Buffer.concat(chunks).toString('utf8') });
  }
  return out;
}

const longName = `${'deep/'.repeat(30)}file.txt`;
const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0xff, 0x00, 0x0a, 0x00]);

test('every kind of entry round-trips through the reader, long and non-ASCII names and binary xattrs too', async () => {
  const buf = await bytes([
    { name: 'dir', type: 'directory', mode: 0o750, uid: 3, gid: 4, mtime: 1_600_000_000 },
    { name: 'dir/file', type: 'file', body: 'hello', mode: 0o4755, mtime: 1_500_000_000, xattrs: { 'security.capability': cap } },
    { name: 'dir/hard', type: 'link', linkname: 'dir/file' },
    { name: 'dir/sym', type: 'symlink', linkname: '/etc/passwd' },
    { name: 'dev/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3 },
    { name: 'dev/sda', type: 'block', devmajor: 8, devminor: 0 },
    { name: 'pipe', type: 'fifo', mode: 0o600 },
    { name: longName, type: 'file', body: Buffer.from('long') },
    { name: 'ünïcödé/Ω.txt', type: 'file', body: 'u' },
    { name: 'big-ids', type: 'file', body: '', uid: 100_000_000, gid: 3_000_000 },
  ]);
  assert.equal(buf.length % 512, 0);
  const back = await readBack(buf);
  assert.deepEqual(back.map((e) => [e.name, e.type]), [
    ['dir', 'directory'], ['dir/file', 'file'], ['dir/hard', 'link'], ['dir/sym', 'symlink'], ['dev/null', 'char'],
    ['dev/sda', 'block'], ['pipe', 'fifo'], [longName, 'file'], ['ünïcödé/Ω.txt', 'file'], ['big-ids', 'file'],
  ]);
  const [dir, file, hard, sym, nul, sda, , long, uni, ids] = back;
  assert.deepEqual([dir!.mode, dir!.uid, dir!.gid, dir!.mtime.getTime()], [0o750, 3, 4, 1_600_000_000_000]);
  assert.deepEqual([file!.text, file!.mode, file!.mtime.getTime()], ['hello', 0o4755, 1_500_000_000_000]);
  assert.deepEqual(file!.xattrs['security.capability'], cap);
  assert.equal(hard!.linkname, 'dir/file');
  assert.equal(sym!.linkname, '/etc/passwd');
  assert.deepEqual([nul!.devmajor, nul!.devminor, sda!.devmajor], [1, 3, 8]);
  assert.equal(long!.text, 'long');
  assert.equal(uni!.text, 'u');
  assert.deepEqual([ids!.uid, ids!.gid], [100_000_000, 3_000_000]);
});

test('GNU tar reads and extracts what the writer wrote', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moorage-tarw-'));
  try {
    const buf = await bytes([
      { name: 'a', type: 'directory', mode: 0o755 },
      { name: 'a/f', type: 'file', body: 'content\n', mode: 0o640, mtime: 1_700_000_000 },
      { name: 'a/l', type: 'symlink', linkname: 'f' },
      { name: 'a/h', type: 'link', linkname: 'a/f' },
      { name: `a/${'n'.repeat(150)}`, type: 'file', body: 'x' },
    ]);
    const tarFile = join(dir, 'x.tar');
    await writeFile(tarFile, buf);
    const list = await run('tar', ['-tf', tarFile]);
    assert.deepEqual(list.stdout.trim().split('\n'), ['a/', 'a/f', 'a/l', 'a/h', `a/${'n'.repeat(150)}`]);
    await run('tar', ['-xf', tarFile, '-C', dir]);
    assert.equal(await readFile(join(dir, 'a/f'), 'utf8'), 'content\n');
    assert.equal(await readlink(join(dir, 'a/l')), 'f');
    const f = await stat(join(dir, 'a/f'));
    assert.deepEqual([f.mode & 0o777, f.mtimeMs, f.nlink], [0o640, 1_700_000_000_000, 2]);
    assert.equal(await readFile(join(dir, `a/${'n'.repeat(150)}`), 'utf8'), 'x');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a body that does not match its size is an error, not a corrupt archive', async () => {
  await assert.rejects(bytes([{ name: 'f', type: 'file', size: 10, body: Buffer.from('short') }]), /5 bytes written for a size of 10/);
  await assert.rejects(bytes([{ name: 'f', type: 'file', size: 2, body: Buffer.from('too long') }]), /more than its size/);
});

test('an empty archive is the two end blocks', async () => {
  assert.deepEqual(await bytes([]), Buffer.alloc(1024));
});
