import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { JsonLines } from './json-lines.ts';

async function parse(chunks: string[]): Promise<unknown[]> {
  const j = new JsonLines();
  Readable.from(chunks.map((c) => Buffer.from(c))).pipe(j);
  const out: unknown[] = [];
  for await (const v of j) out.push(v);
  return out;
}

test('parses newline-delimited objects split across chunks', async () => {
  assert.deepEqual(await parse(['{"a":1}\n{"b"', ':"x}\\"y"}\n']), [{ a: 1 }, { b: 'x}"y' }]);
});

test('parses json-seq records and objects written back to back', async () => {
  assert.deepEqual(await parse(['\x1e{"a":1}\n\x1e{"a":2}{"a":3}']), [{ a: 1 }, { a: 2 }, { a: 3 }]);
});

test('a truncated object at the end is an error', async () => {
  await assert.rejects(parse(['{"a":']), SyntaxError);
});
