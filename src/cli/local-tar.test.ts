import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { packLocal, transformArg, unpackLocal } from './local-tar.ts';

const odd = 'a.b&c\\d*[x]^$';

test('the rename is literal: regex and replacement characters in names mean themselves', () => {
  assert.equal(transformArg({ from: odd, to: 'n&e\\w' }), '--transform=s/^a\\.b&c\\\\d\\*\\[x\\]\\^\\$/n\\&e\\\\w/S');
});

test('GNU tar packs and unpacks with the top entry renamed, links kept as they are', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moorage-local-tar-'));
  try {
    await mkdir(join(dir, 'src', odd, 'sub'), { recursive: true });
    await writeFile(join(dir, 'src', odd, 'sub/f'), 'hi\n');
    await symlink(`${odd}/sub/f`, join(dir, 'src', odd, 'lnk'));
    const packed = packLocal(join(dir, 'src'), odd, { from: odd, to: 'middle.*' });
    const through = new PassThrough();
    packed.stream.pipe(through);
    await mkdir(join(dir, 'out'));
    await Promise.all([packed.done, unpackLocal(through, join(dir, 'out'), { from: 'middle.*', to: 'final[1]' })]);
    assert.equal(await readFile(join(dir, 'out/final[1]/sub/f'), 'utf8'), 'hi\n');
    assert.equal(await readlink(join(dir, 'out/final[1]/lnk')), `${odd}/sub/f`);
    await assert.rejects(packLocal(dir, 'no-such-name').done, /tar: .*no-such-name/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
