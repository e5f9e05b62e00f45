import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { MoorageError } from '../errors.ts';
import { readTree, statTree, type FsRecord, type PackOptions } from './packer.ts';
import { treeTar } from './tree-tar.ts';
import { readTar } from './tar-reader.ts';

const run = promisify(execFile);

/**
 * A container root full of links that point out of it, beside a host directory with a secret
 * the links name by its host path.
 */
let base: string;
let root: string;
let host: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'moorage-pack-'));
  root = join(base, 'root');
  host = join(base, 'host');
  await mkdir(join(root, 'etc'), { recursive: true });
  await mkdir(join(root, 'd/sub'), { recursive: true });
  await mkdir(host);
  await writeFile(join(host, 'secret'), 'host secret\n');
  await writeFile(join(root, 'etc/passwd'), 'container passwd\n');
  await symlink('/../../../../etc', join(root, 'evil'));
  await symlink('/etc/passwd', join(root, 'abs'));
  await symlink('../evil/passwd', join(root, 'd/rel'));
  await symlink('rel', join(root, 'd/chain'));
  await symlink(join(host, 'secret'), join(root, 'hostpath'));
  await symlink(host, join(root, 'd/hostdir'));
  await symlink('loop2', join(root, 'loop1'));
  await symlink('loop1', join(root, 'loop2'));
  await writeFile(join(root, 'd/sub/f'), 'f\n');
  await link(join(root, 'd/sub/f'), join(root, 'd/hard'));
  await run('mkfifo', [join(root, 'd/fifo')]);
});
after(async () => { await rm(base, { recursive: true, force: true }); });

/** The records of `path` with each file's content as text. */
async function tree(path: string, opts: PackOptions = {}): Promise<(Omit<FsRecord, 'body'> & { text: string })[]> {
  const out = [];
  for await (const r of readTree(root, path, 'pack', opts)) {
    const chunks: Buffer[] = [];
    for await (const c of r.body) chunks.push(c);
    const { body: _, ...rest } = r;
    out.push({ ...rest, text: Buffer.concat(chunks).toString('utf8') });
  }
  return out;
}

test('a symlink out of the root is reported as the link, resolved to the root\'s own path', async () => {
  const evil = await statTree(root, '/evil');
  assert.deepEqual([evil.type, evil.linkname, evil.resolved], ['symlink', '/../../../../etc', '/etc']);
  const rel = await statTree(root, '/d/chain');
  assert.deepEqual([rel.type, rel.resolved], ['symlink', '/etc/passwd']);
});

for (const path of ['/evil/passwd', '/abs', '/d/rel', '/d/chain']) {
  test(`reading ${path} gives the root's /etc/passwd, never the host's`, async () => {
    const [rec] = await tree(path, { follow: true });
    assert.equal(rec!.text, 'container passwd\n');
    assert.equal(rec!.resolved, '/etc/passwd');
  });
}

test('a link naming a host path by its absolute path is looked up inside the root: not found', async () => {
  await assert.rejects(tree('/hostpath', { follow: true }), (err: MoorageError) => err.code === 'MOORAGE_NO_SUCH_PATH');
  await assert.rejects(tree('/d/hostdir/secret'), (err: MoorageError) => err.code === 'MOORAGE_NO_SUCH_PATH');
});

test('a walk lists links below the path as links and never follows them, nor opens a fifo', async () => {
  const recs = await tree('/d');
  assert.deepEqual(recs.map((r) => [r.path, r.type]), [
    ['', 'directory'], ['chain', 'symlink'], ['fifo', 'fifo'], ['hard', 'file'], ['hostdir', 'symlink'], ['rel', 'symlink'],
    ['sub', 'directory'], ['sub/f', 'file'],
  ]);
  assert.ok(!recs.some((r) => r.text.includes('host secret')));
  const hard = recs.find((r) => r.path === 'hard')!;
  const f = recs.find((r) => r.path === 'sub/f')!;
  assert.deepEqual([hard.nlink, hard.ino, hard.text], [2, f.ino, 'f\n']);
});

test('a loop is its own error; a missing path and a path through a file are not found', async () => {
  await assert.rejects(statTree(root, '/loop1/x'), (err: MoorageError) => err.code === 'MOORAGE_SYMLINK_LOOP' && /symbolic links/.test(err.message));
  await assert.rejects(statTree(root, '/nope'), (err: MoorageError) => err.code === 'MOORAGE_NO_SUCH_PATH');
  await assert.rejects(statTree(root, '/etc/passwd/x'), (err: MoorageError) => err.code === 'MOORAGE_NO_SUCH_PATH');
});

test('beneath the root no symlink is followed, not even on the way', async () => {
  await assert.rejects(statTree(root, '/evil/passwd', { beneath: true }), (err: MoorageError) => err.kind === 'invalid');
  assert.equal((await statTree(root, '/evil', { beneath: true })).type, 'symlink');
});

test('ending a read early ends the helper', async () => {
  for await (const r of readTree(root, '/', 'pack')) {
    assert.equal(r.path, '');
    break;
  }
});

test('a tree becomes a tar with hard links and names rebased', async () => {
  const parts: Buffer[] = [];
  for await (const b of treeTar(readTree(root, '/d', 'pack'), (p) => (p ? `d/${p}` : 'd'))) parts.push(b);
  const tar = Buffer.concat(parts);
  const names: string[] = [];
  for await (const e of readTar(Readable.from([tar]))) {
    names.push(`${e.name} ${e.type}${e.type === 'link' ? ` ${e.linkname}` : ''}`);
    for await (const _ of e.body) { /* skip */ }
  }
  assert.deepEqual(names, ['d directory', 'd/chain symlink', 'd/fifo fifo', 'd/hard file', 'd/hostdir symlink', 'd/rel symlink',
    'd/sub directory', 'd/sub/f link d/hard']);
});
