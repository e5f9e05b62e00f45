/**
 * The moorage CLI's image verbs against a live daemon: images, import, rmi.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

let d: TestDaemon;
let dir: string;
let tarball: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moorage-cli-images-'));
  await mkdir(join(dir, 'root', 'etc'), { recursive: true });
  await writeFile(join(dir, 'root', 'etc', 'hello.txt'), 'hello\n');
  tarball = join(dir, 'root.tar');
  await promisify(execFile)('tar', ['-C', join(dir, 'root'), '-cf', tarball, '.']);
  d = await startDaemon();
});
after(async () => {
  await d?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('images lists the embedded busybox as a table, JSON lines or IDs', async () => {
  const r = await d.moorage(['images']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/m);
  assert.match(r.stdout, /^busybox\s+latest\s+[0-9a-f]{12}\s+.+ago\s+\d/m);
  const json = await d.moorage(['images', '--format', 'json']);
  const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { Repository: string });
  assert.ok(rows.some((x) => x.Repository === 'busybox'));
  const q = await d.moorage(['images', '-q']);
  assert.match(q.stdout, /^[0-9a-f]{12}$/m);
  const t = await d.moorage(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.match(t.stdout, /^busybox:latest$/m);
});

test('import creates an image from a file; rmi removes it', async () => {
  const r = await d.moorage(['import', tarball, 'imported:v1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  const list = await d.moorage(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.match(list.stdout, /^imported:v1$/m);
  const rmi = await d.moorage(['rmi', 'imported:v1']);
  assert.equal(rmi.code, 0, rmi.stderr);
  assert.match(rmi.stdout, /Untagged: imported:v1/);
  const after = await d.moorage(['images', '--format', '{{.Repository}}']);
  assert.doesNotMatch(after.stdout, /^imported$/m);
});

test('import - reads the tarball from stdin', async () => {
  const other = join(dir, 'other.tar');
  await writeFile(join(dir, 'root', 'etc', 'other.txt'), 'other\n');
  await promisify(execFile)('tar', ['-C', join(dir, 'root'), '-cf', other, './etc/other.txt']);
  const r = await d.moorage(['import', '-', 'piped'], { input: (await readFile(other)).toString('latin1') });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.equal((await d.moorage(['rmi', 'piped'])).code, 0);
});

test('rmi of one tag of an image with two tags keeps the other', async () => {
  assert.equal((await d.moorage(['import', tarball, 'twice:a'])).code, 0);
  assert.equal((await d.moorage(['import', tarball, 'twice:b'])).code, 0);
  const r = await d.moorage(['rmi', 'twice:a']);
  assert.equal(r.code, 0, r.stderr);
  assert.match((await d.moorage(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, /^twice:b$/m);
  assert.equal((await d.moorage(['rmi', 'twice:b'])).code, 0);
});

test('import of a missing file or a tarball escaping its root fails with exit 1', async () => {
  const missing = await d.moorage(['import', join(dir, 'nope.tar')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no such file/);
  const evil = join(dir, 'evil.tar');
  await promisify(execFile)('tar', ['-C', dir, '-cf', evil, '--absolute-names', '-P', join(dir, 'root', 'etc', 'hello.txt')]);
  const bad = await d.moorage(['import', evil, 'evil']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Error/);
});

test('rmi of a missing image is an error', async () => {
  const r = await d.moorage(['rmi', 'no-such-image']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error response from daemon: .*No such image/i);
});
