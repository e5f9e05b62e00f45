import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { Demuxer, encodeFrame, type Frame } from './demux.ts';

async function frames(chunks: Buffer[], raw = false): Promise<Frame[]> {
  const d = new Demuxer();
  if (raw) d.setRaw();
  Readable.from(chunks).pipe(d);
  const out: Frame[] = [];
  for await (const f of d) out.push(f as Frame);
  return out;
}

test('demuxer splits stdout and stderr frames', async () => {
  const got = await frames([Buffer.concat([encodeFrame('stdout', 'out\n'), encodeFrame('stderr', 'err\n')])]);
  assert.deepEqual(got.map((f) => [f.stream, f.data.toString()]), [['stdout', 'out\n'], ['stderr', 'err\n']]);
});

test('demuxer reassembles a frame split across chunks, even inside the header', async () => {
  const all = Buffer.concat([encodeFrame('stdout', 'hello world'), encodeFrame('stderr', 'x')]);
  const chunks = [all.subarray(0, 3), all.subarray(3, 10), all.subarray(10, 20), all.subarray(20)];
  const got = await frames(chunks);
  assert.equal(got.filter((f) => f.stream === 'stdout').map((f) => f.data.toString()).join(''), 'hello world');
  assert.deepEqual(got.filter((f) => f.stream === 'stderr').map((f) => f.data.toString()), ['x']);
});

test('demuxer skips empty frames', async () => {
  const got = await frames([Buffer.concat([encodeFrame('stdout', ''), encodeFrame('stdout', 'a')])]);
  assert.deepEqual(got.map((f) => f.data.toString()), ['a']);
});

test('demuxer passes a raw (TTY) stream through as stdout when the header is not a frame header', async () => {
  const got = await frames([Buffer.from('plain tty output\n'), Buffer.from('more\n')]);
  assert.equal(got.map((f) => f.data.toString()).join(''), 'plain tty output\nmore\n');
  assert.ok(got.every((f) => f.stream === 'stdout'));
});

test('demuxer in raw mode never parses headers', async () => {
  const got = await frames([encodeFrame('stderr', 'x')], true);
  assert.equal(got.length, 1);
  assert.equal(got[0]!.stream, 'stdout');
  assert.equal(got[0]!.data.length, 9);
});

test('encodeFrame writes the stream type and a big-endian length', () => {
  const f = encodeFrame('stderr', 'abc');
  assert.deepEqual([...f.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 3]);
});
