import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goFileMode, goTime, pathStatHeader } from './path-stat.ts';

test('modes are Go os.FileMode bits, as Docker 20.10 answered for /etc and /bin/sh', () => {
  assert.equal(goFileMode('directory', 0o755), 2147484141);
  assert.equal(goFileMode('symlink', 0o777), 134218239);
  assert.equal(goFileMode('file', 0o644), 0o644);
  assert.equal(goFileMode('file', 0o4755), 2 ** 23 + 0o755, 'setuid');
  assert.equal(goFileMode('directory', 0o1777), 2 ** 31 + 2 ** 20 + 0o777, 'sticky');
  assert.equal(goFileMode('file', 0o2711), 2 ** 22 + 0o711, 'setgid');
  assert.equal(goFileMode('char', 0o666), 2 ** 26 + 2 ** 21 + 0o666);
  assert.equal(goFileMode('block', 0o660), 2 ** 26 + 0o660);
  assert.equal(goFileMode('fifo', 0o600), 2 ** 25 + 0o600);
  assert.equal(goFileMode('socket', 0o755), 2 ** 24 + 0o755);
});

test('times are RFC 3339 with the nanoseconds Go prints', () => {
  assert.equal(goTime(1_700_000_000, 0), '2023-11-14T22:13:20Z');
  assert.equal(goTime(1_700_000_000, 120_000_000), '2023-11-14T22:13:20.12Z');
  assert.equal(goTime(1_700_000_000, 5), '2023-11-14T22:13:20.000000005Z');
});

test('the header is padded standard base64 of the JSON, fields in moby\'s order', () => {
  const h = pathStatHeader({ name: 'sh', size: 12, type: 'symlink', mode: 0o777, mtimeSec: 0, mtimeNsec: 0, linkTarget: '/bin/busybox' });
  assert.match(h, /^[A-Za-z0-9+/]+=*$/);
  assert.equal(Buffer.from(h, 'base64').toString(),
    '{"name":"sh","size":12,"mode":134218239,"mtime":"1970-01-01T00:00:00Z","linkTarget":"/bin/busybox"}');
});
