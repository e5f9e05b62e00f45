/**
 * The moorage CLI's `cp` (both ways, `-` tars, `-L`, `-a`, docker's naming rules and refusals),
 * `export` and `diff` against a live daemon.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { makeTar, readEntries } from '../helpers/tar.ts';
import { runCli } from '../../src/cli/program.ts';

let d: TestDaemon;
let work: string;
let id: string;
before(async () => {
  d = await startDaemon();
  work = await mkdtemp('/tmp/moorage-cli-cp-');
  const r = await d.moorage(['run', '-d', 'busybox', 'sh', '-c',
    'mkdir -p /tmp/data/sub && echo one > /tmp/data/a && echo two > /tmp/data/sub/b && ln -s a /tmp/data/link && echo ready && exec sleep 1000']);
  assert.equal(r.code, 0, r.stderr);
  id = r.stdout.trim();
  await d.waitForLog(id, 'ready');
});
after(async () => {
  await d?.stop();
  await rm(work, { recursive: true, force: true });
});

const moorage = (args: string[], input?: Buffer) => d.moorageBytes(args, input);
const ok = async (args: string[], input?: Buffer) => {
  const r = await moorage(args, input);
  assert.equal(r.code, 0, `moorage ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString('utf8');
};
const names = async (tar: Buffer) => (await readEntries(tar)).map((e) => e.name);

test('moorage cp out: into a directory, to a new name, a directory\'s content, a tar on stdout, -L', async () => {
  const out = join(work, 'out');
  await mkdir(join(out, 'existing'), { recursive: true });
  await ok(['cp', `${id}:/tmp/data/a`, out]);
  assert.equal(await readFile(join(out, 'a'), 'utf8'), 'one\n');
  await ok(['cp', `${id}:/tmp/data/a`, join(out, 'renamed')]);
  assert.equal(await readFile(join(out, 'renamed'), 'utf8'), 'one\n');
  await ok(['cp', `${id}:/tmp/data`, join(out, 'copy')]);
  assert.equal(await readFile(join(out, 'copy/sub/b'), 'utf8'), 'two\n');
  assert.equal(await readlink(join(out, 'copy/link')), 'a', 'a link stays a link');
  await ok(['cp', `${id}:/tmp/data/.`, join(out, 'existing')]);
  assert.deepEqual((await readdir(join(out, 'existing'))).sort(), ['a', 'link', 'sub']);
  await ok(['cp', `${id}:/tmp/data`, join(out, 'existing')]);
  assert.equal(await readFile(join(out, 'existing/data/a'), 'utf8'), 'one\n', 'into an existing directory it keeps its name');
  const tar = (await moorage(['cp', `${id}:/tmp/data`, '-'])).stdout;
  assert.deepEqual(await names(tar), ['data', 'data/a', 'data/link', 'data/sub', 'data/sub/b']);
  await ok(['cp', '-L', `${id}:/tmp/data/link`, out]);
  assert.equal(await readFile(join(out, 'link'), 'utf8'), 'one\n', '-L copies the target under the link\'s name');
});

test('moorage cp in: to a new name, into a directory, dir/., a tar on stdin, and -a', async () => {
  const src = join(work, 'in');
  await mkdir(join(src, 'tree/deep'), { recursive: true });
  await writeFile(join(src, 'file'), 'payload\n');
  await writeFile(join(src, 'tree/deep/x'), 'deep\n');
  await symlink('file', join(src, 'alias'));
  await ok(['cp', join(src, 'file'), `${id}:/tmp/renamed`]);
  await ok(['cp', join(src, 'tree'), `${id}:/tmp/`]);
  await ok(['cp', join(src, 'tree'), `${id}:/tmp/newtree`]);
  await ok(['cp', `${join(src, 'tree')}/.`, `${id}:/tmp/data`]);
  await ok(['cp', '-', `${id}:/tmp`], await makeTar([{ name: 'piped', body: 'from stdin\n' }]));
  await ok(['cp', '-L', join(src, 'alias'), `${id}:/tmp/`]);
  const nobody = (await ok(['run', '-d', '--user', 'nobody', 'busybox', 'sleep', '1000'])).trim();
  await ok(['cp', '-a', join(src, 'file'), `${nobody}:/tmp/owned`]);
  await ok(['cp', join(src, 'file'), `${nobody}:/tmp/kept`]);
  const cat = async (p: string) => (await d.docker(['exec', id, 'cat', p])).stdout;
  assert.equal(await cat('/tmp/renamed'), 'payload\n');
  assert.equal(await cat('/tmp/tree/deep/x'), 'deep\n');
  assert.equal(await cat('/tmp/newtree/deep/x'), 'deep\n');
  assert.equal(await cat('/tmp/data/deep/x'), 'deep\n');
  assert.equal(await cat('/tmp/piped'), 'from stdin\n');
  assert.equal(await cat('/tmp/alias'), 'payload\n');
  assert.equal((await d.docker(['exec', nobody, 'stat', '-c', '%u', '/tmp/owned', '/tmp/kept'])).stdout, '65534\n0\n');
  await ok(['rm', '-f', nobody]);
});

test('moorage cp refuses what docker cp refuses, with docker\'s words', async () => {
  const missing = await moorage(['cp', `${id}:/nope`, work]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Could not find the file \/nope in container/);
  const local = await moorage(['cp', join(work, 'no-such-file'), `${id}:/tmp/`]);
  assert.match(local.stderr, /no such file or directory/);
  assert.match((await moorage(['cp', `${id}:/a`, `${id}:/b`])).stderr, /copying between containers is not supported/);
  assert.match((await moorage(['cp', join(work, 'a'), join(work, 'b')])).stderr, /must specify at least one container source/);
  await writeFile(join(work, 'plainfile'), 'x');
  assert.match((await moorage(['cp', `${id}:/tmp/data`, join(work, 'plainfile')])).stderr, /cannot copy a directory to a file/);
  assert.match((await moorage(['cp', '-', `${id}:/tmp/data/a`], await makeTar([]))).stderr, /must be a directory/);
  const loop = await d.docker(['exec', id, 'sh', '-c', 'ln -s /tmp/l2 /tmp/l1 && ln -s /tmp/l1 /tmp/l2']);
  assert.equal(loop.code, 0, loop.stderr);
  assert.match((await moorage(['cp', `${id}:/tmp/l1/x`, work])).stderr, /too many levels of symbolic links/);
});

test('moorage export writes the filesystem to stdout or a file, never to a terminal; moorage diff lists the changes', async () => {
  const file = join(work, 'fs.tar');
  await ok(['export', '-o', file, id]);
  const all = await names(await readFile(file));
  assert.ok(all.includes('bin/busybox') && all.includes('tmp/data/a'));
  assert.deepEqual(await names((await moorage(['export', id])).stdout), all);
  const tty = Object.assign(new PassThrough(), { isTTY: true });
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c) => { err += c; });
  const code = await runCli(['export', id], { stdin: Readable.from([]), stdout: tty, stderr, stderrIsTTY: false, env: { MOORAGE_HOST: d.host } });
  assert.equal(code, 1);
  assert.match(err, /cowardly refusing to save to a terminal/);
  const diff = (await ok(['diff', id])).split('\n');
  for (const l of ['C /tmp', 'A /tmp/data', 'A /tmp/data/a']) assert.ok(diff.includes(l), `${l} in ${diff.join(', ')}`);
  const fresh = (await ok(['run', '-d', 'busybox', 'sleep', '100'])).trim();
  assert.equal(await ok(['diff', fresh]), '');
  await ok(['rm', '-f', fresh]);
});
