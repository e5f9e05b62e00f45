import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { buildProgram, runCli } from './program.ts';
import { CliContext, type CliIO } from './context.ts';

function io(): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => { o += d; });
  stderr.on('data', (d) => { e += d; });
  return { io: { stdin: Readable.from([]), stdout, stderr, stderrIsTTY: false, env: {} }, out: () => o, err: () => e };
}

async function cli(args: string[]) {
  const s = io();
  const code = await runCli(args, s.io);
  return { code, stdout: s.out(), stderr: s.err() };
}

test('moorage --help lists every verb', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0);
  for (const verb of ['run', 'ps', 'stop', 'kill', 'restart', 'wait', 'logs', 'inspect', 'rm', 'pause', 'unpause',
    'events', 'images', 'import', 'rmi', 'version', 'info', 'doctor', 'cp', 'export', 'diff']) {
    assert.match(r.stdout, new RegExp(`^  ${verb}\\b`, 'm'), verb);
  }
  assert.match(r.stdout, /-H, --host <address>/);
});

test('every verb\'s --help describes every flag', async () => {
  const program = buildProgram(new CliContext(io().io, () => undefined));
  for (const cmd of program.commands) {
    const r = await cli([cmd.name(), '--help']);
    assert.equal(r.code, 0, cmd.name());
    for (const opt of cmd.options) {
      if (opt.hidden) continue;
      assert.ok(r.stdout.includes(opt.flags), `${cmd.name()} --help lacks ${opt.flags}`);
      assert.ok(opt.description.length > 5, `${cmd.name()} ${opt.flags} has no description`);
    }
  }
});

test('a bad flag value exits 125 like docker, before contacting the daemon', async () => {
  const r = await cli(['-H', 'unix:///nonexistent.sock', 'stop', '-t', 'abc', 'web']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /invalid/);
  const r2 = await cli(['run', '--restart', 'sometimes', 'busybox']);
  assert.equal(r2.code, 125);
  assert.match(r2.stderr, /restart policy/);
});

test('an unknown flag exits 125', async () => {
  const r = await cli(['ps', '--bogus']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /unknown option '--bogus'/);
});

test('a missing argument exits 1', async () => {
  const r = await cli(['stop']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /missing required argument/);
});

test('an unreachable daemon is reported on stderr with exit 1', async () => {
  const r = await cli(['-H', 'unix:///nonexistent/moorage.sock', 'ps']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot connect to the moorage daemon at unix:\/\/\/nonexistent\/moorage\.sock/);
});

test('run\'s own failures exit 125', async () => {
  const r = await cli(['-H', 'unix:///nonexistent/moorage.sock', 'run', 'busybox', 'true']);
  assert.equal(r.code, 125);
});
