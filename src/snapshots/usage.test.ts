import { test } from 'node:test';
import assert from 'node:assert/strict';
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { treeSize } from './usage.ts';

test('a tree\'s size counts each file once, hard links once, and follows no symlink', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moorage-usage-'));
  try {
    await mkdir(join(dir, 'a/b'), { recursive: true });
    await writeFile(join(dir, 'a/one'), Buffer.alloc(1000));
    await writeFile(join(dir, 'a/b/two'), Buffer.alloc(234));
    await link(join(dir, 'a/one'), join(dir, 'a/b/one-again'));
    await symlink('/usr', join(dir, 'usr'));
    assert.equal(await treeSize(dir), 1234 + '/usr'.length);
    assert.equal(await treeSize(join(dir, 'missing')), 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
