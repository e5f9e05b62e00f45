import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetachScanner, parseDetachKeys } from './detach-keys.ts';

test('parseDetachKeys turns ctrl keys, single characters and DEL into bytes', () => {
  assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [16, 17]);
  assert.deepEqual([...parseDetachKeys('ctrl-@,ctrl-[,ctrl-_,a,DEL')], [0, 27, 31, 97, 127]);
  assert.throws(() => parseDetachKeys('ctrl-pq'), { name: 'InvalidParameter', message: /Invalid detach keys \(ctrl-pq\)/ });
  assert.throws(() => parseDetachKeys(''), /Invalid detach keys/);
});

test('the scanner holds a prefix back, lets a broken one through, and detaches on the whole sequence', () => {
  const s = new DetachScanner(Buffer.from([16, 17]));
  assert.deepEqual(s.feed(Buffer.from('ab')), { pass: Buffer.from('ab'), detach: false });
  assert.deepEqual(s.feed(Buffer.from([16])), { pass: Buffer.alloc(0), detach: false });
  assert.deepEqual(s.feed(Buffer.from('x')), { pass: Buffer.from([16, 120]), detach: false });
  assert.deepEqual(s.feed(Buffer.from([16, 16])), { pass: Buffer.from([16]), detach: false });
  const done = s.feed(Buffer.from([17, 65]));
  assert.equal(done.detach, true);
  assert.deepEqual(done.pass, Buffer.alloc(0));
});
