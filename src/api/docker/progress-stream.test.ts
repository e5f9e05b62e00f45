import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonMessage, progressBar } from './progress-stream.ts';

test('progressBar draws the daemon-side bar (width 200) with go-units sizes', () => {
  assert.equal(progressBar(161, 161), `[${'='.repeat(50)}>] ${'161B'.padStart(8)}/161B`);
  assert.equal(progressBar(1482752, 1982364), `[${'='.repeat(37)}>${' '.repeat(13)}] ${'1.483MB'.padStart(8)}/1.982MB`);
  assert.equal(progressBar(5000, 100), `[${'='.repeat(50)}>] ${'5kB'.padStart(8)}`, 'current over total shows current only');
  assert.equal(progressBar(0, 0), '');
});

test('jsonMessage: plain messages, state updates with an empty detail, progress with a bar, aux', () => {
  assert.deepEqual(jsonMessage({ status: 'Pulling from mr/app', id: 'v1' }), { status: 'Pulling from mr/app', id: 'v1' });
  assert.deepEqual(jsonMessage({ status: 'Pull complete', id: 'abc', detail: {} }), { status: 'Pull complete', progressDetail: {}, id: 'abc' });
  const p = jsonMessage({ status: 'Downloading', id: 'abc', detail: { current: 1, total: 2 } });
  assert.deepEqual(p.progressDetail, { current: 1, total: 2 });
  assert.match(p.progress as string, /^\[=+>/);
  assert.deepEqual(jsonMessage({ status: '', aux: { Tag: 'v1' } }), { progressDetail: {}, aux: { Tag: 'v1' } });
});
