import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerChanges, parentOf, statDifferent, type FileFacts, type ImageView, type UpperEntry } from './layer-changes.ts';

const file = (over: Partial<FileFacts> = {}): FileFacts => ({
  type: 'file', mode: 0o644, uid: 0, gid: 0, size: 10, mtimeSec: 1000, mtimeNsec: 0, devmajor: 0, devminor: 0, ...over,
});
const dir = (over: Partial<FileFacts> = {}): FileFacts => file({ type: 'directory', mode: 0o755, size: 4096, ...over });
const whiteout = (): FileFacts => file({ type: 'char', mode: 0, size: 0 });

/** An image held in a map of relative paths. */
function image(files: Record<string, FileFacts>): ImageView {
  return {
    async stat(path) { return files[path] ?? null; },
    async children(path) {
      return Object.keys(files).filter((p) => parentOf(p) === path && p !== path).map((p) => p.slice(path ? path.length + 1 : 0));
    },
  };
}

const upper = (entries: [string, FileFacts, boolean?][]): UpperEntry[] =>
  entries.map(([path, f, opaque]) => ({ path, ...f, opaque: opaque ?? false }));

const show = (changes: { Path: string; Kind: number }[]) => changes.map((c) => `${'CAD'[c.Kind]} ${c.Path}`);

const busybox = image({
  hello: file(), etc: dir(), 'etc/passwd': file(), opq: dir(), 'opq/f': file(), 'opq/sub': dir(), 'opq/sub/x': file(),
  bin: dir(), 'bin/sh': file({ type: 'symlink', size: 12 }), same: file(),
});

test('the changes Docker lists after rm /hello; rm -rf /opq; mkdir /opq; echo y >/opq/g; echo z >>/etc/passwd', async () => {
  const changes = await layerChanges(upper([
    ['', dir()], ['etc', dir()], ['etc/passwd', file({ size: 12, mtimeSec: 2000 })], ['hello', whiteout()],
    ['opq', dir({ mtimeSec: 2000 }), true], ['opq/g', file()],
  ]), busybox);
  assert.deepEqual(show(changes), ['C /etc', 'C /etc/passwd', 'D /hello', 'C /opq', 'D /opq/f', 'A /opq/g', 'D /opq/sub']);
});

test('an added directory lists everything below it as added, and its parents as changed', async () => {
  const changes = await layerChanges(upper([
    ['etc', dir()], ['etc/new', dir()], ['etc/new/a', file()], ['etc/new/b', file({ type: 'symlink' })], ['top', file()],
  ]), busybox);
  assert.deepEqual(show(changes), ['C /etc', 'A /etc/new', 'A /etc/new/a', 'A /etc/new/b', 'A /top']);
});

test('a copied-up file that is the same, and a directory whose only difference is its time, are not changes', async () => {
  const changes = await layerChanges(upper([['etc', dir({ mtimeSec: 5000 })], ['same', file({ mtimeNsec: 123 })]]), busybox);
  assert.deepEqual(changes, []);
});

test('a changed type, owner or mode is a modification; a directory over a file hides nothing else', async () => {
  const changes = await layerChanges(upper([
    ['bin', dir()], ['bin/sh', file({ size: 5 })], ['hello', dir()], ['hello/inside', file()], ['etc', dir({ uid: 5 })],
  ]), busybox);
  assert.deepEqual(show(changes), ['C /bin', 'C /bin/sh', 'C /etc', 'C /hello', 'A /hello/inside']);
});

test('below an opaque directory the image shows through nowhere, however deep', async () => {
  const changes = await layerChanges(upper([['opq', dir(), true], ['opq/sub', dir()], ['opq/sub/y', file()]]), busybox);
  assert.deepEqual(show(changes), ['C /opq', 'D /opq/f', 'C /opq/sub', 'D /opq/sub/x', 'A /opq/sub/y']);
});

test('a whiteout of something the image lacks is no change; ignored paths (mount points) are left out', async () => {
  const changes = await layerChanges(upper([['ghost', whiteout()], ['sbin', dir()], ['sbin/moorage-init', file({ size: 0 })]]),
    image({ sbin: dir() }), (p) => p === 'sbin/moorage-init');
  assert.deepEqual(changes, []);
});

test('statDifferent keeps to whole seconds when one side has none, as tar does', () => {
  assert.equal(statDifferent(file({ mtimeNsec: 5 }), file({ mtimeNsec: 0 })), false);
  assert.equal(statDifferent(file({ mtimeNsec: 5 }), file({ mtimeNsec: 6 })), true);
  assert.equal(statDifferent(file(), file({ size: 11 })), true);
  assert.equal(statDifferent(dir(), dir({ size: 8192, mtimeSec: 1 })), false);
  assert.equal(statDifferent(file({ type: 'char', devmajor: 1 }), file({ type: 'char', devmajor: 2 })), true);
});
