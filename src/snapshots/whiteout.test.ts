import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerXattrAllowed, whiteoutAction } from './whiteout.ts';

test('whiteoutAction maps OCI whiteouts onto overlay ones', () => {
  assert.deepEqual(whiteoutAction('etc/.wh.passwd'), { kind: 'whiteout', path: 'etc/passwd' });
  assert.deepEqual(whiteoutAction('.wh.hello'), { kind: 'whiteout', path: 'hello' });
  assert.deepEqual(whiteoutAction('opq/.wh..wh..opq'), { kind: 'opaque', dir: 'opq' });
  assert.deepEqual(whiteoutAction('.wh..wh..opq'), { kind: 'opaque', dir: '.' });
  assert.deepEqual(whiteoutAction('.wh..wh.plnk/123'), { kind: 'skip' });
  assert.deepEqual(whiteoutAction('.wh..wh.plnk'), { kind: 'skip' });
  assert.deepEqual(whiteoutAction('dir/file.wh.x'), { kind: 'entry' });
});

test('layers cannot set overlay xattrs themselves', () => {
  assert.equal(layerXattrAllowed('trusted.overlay.redirect'), false);
  assert.equal(layerXattrAllowed('user.overlay.opaque'), false);
  assert.equal(layerXattrAllowed('security.capability'), true);
});
