/**
 * Bad input gets a clear 4xx and damages nothing: a backtracking-prone name filter, a stop
 * timeout past what a timer holds, bodies with fields of the wrong type, an oversized URL, a
 * deeply nested body — and a bind of an existing file works.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'node:http';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

describe('bad input', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  const api = (method: string, path: string, body?: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ socketPath: d.socket, method, path, headers: body !== undefined ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
  const containers = async () => (await d.docker(['ps', '-aq'])).stdout;

  test('a name filter that backtracks in JavaScript answers at once (RE2 semantics)', async () => {
    const name = `${'a'.repeat(40)}-`;
    assert.equal((await d.docker(['create', '--name', name, 'busybox'])).code, 0);
    try {
      const t0 = Date.now();
      const r = await d.docker(['ps', '-a', '--filter', 'name=^/(a+)+$', '--format', '{{.Names}}']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
      assert.equal((await d.docker(['ps', '-a', '--filter', 'name=^/a+-$', '--format', '{{.Names}}'])).stdout.trim(), name);
    } finally {
      await d.docker(['rm', '-f', name]);
    }
  });

  test('a stop timeout longer than a timer holds waits (it does not kill at once); an out-of-range one is a 400', async () => {
    const id = (await d.docker(['run', '-d', '--init=false', 'busybox', 'sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 1; done'])).stdout.trim();
    try {
      await d.waitForLog(id, 'ready');
      const stopping = api('POST', `/v1.41/containers/${id}/stop?t=2147484`);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal((await d.docker(['inspect', '-f', '{{.State.Running}}', id])).stdout.trim(), 'true');
      assert.equal((await d.docker(['kill', id])).code, 0);
      assert.equal((await stopping).status, 204);
      const huge = await api('POST', `/v1.41/containers/${id}/stop?t=99999999999999999999`);
      assert.equal(huge.status, 400);
      assert.match(huge.body, /value out of range/);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('fields of the wrong type are a 400 that names them, and nothing is created', async () => {
    const before = await containers();
    for (const [body, message] of [
      [{ Image: 'busybox', Env: 5 }, /invalid Env: expected array/],
      [{ Image: 'busybox', Env: 'FOO=bar' }, /invalid Env: expected array/],
      [{ Image: 123 }, /no image specified|invalid Image/],
      [{ Image: 'busybox', HostConfig: { Binds: [5] } }, /invalid HostConfig\.Binds\.0: expected string/],
      [{ Image: 'busybox', Labels: 'a=b' }, /invalid Labels: expected record/],
      [{ Image: 'busybox', HostConfig: 'x' }, /invalid HostConfig: expected object/],
      [{ Image: 'busybox', HostConfig: { RestartPolicy: 'always' } }, /invalid HostConfig\.RestartPolicy: expected object/],
      [{ Image: 'busybox', WorkingDir: 'relative' }, /needs to be an absolute path/],
      [{ Image: 'busybox', Hostname: 'h'.repeat(300) }, /invalid hostname/],
      [[1, 2], /invalid request body: expected object/],
    ] as [unknown, RegExp][]) {
      const r = await api('POST', '/v1.41/containers/create', JSON.stringify(body));
      assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 60)}: ${r.body}`);
      assert.match(JSON.parse(r.body).message, message);
    }
    assert.equal(await containers(), before);
  });

  test('a 100,000-deep body is a 400, a URL over 16 KB a 414, and the engine goes on', async () => {
    const before = await containers();
    const deep = `{"Image":"busybox","Labels":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const r = await api('POST', '/v1.41/containers/create', deep);
    assert.equal(r.status, 400);
    assert.match(r.body, /nested deeper than/);
    const status = await new Promise<string>((resolve, reject) => {
      const s = connect(d.socket, () => s.write(`GET /v1.41/containers/json?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
      let text = '';
      s.on('data', (c) => { text += c; });
      s.on('end', () => resolve(text.split('\r\n')[0]!));
      s.on('error', reject);
    });
    assert.equal(status, 'HTTP/1.1 414 URI Too Long');
    assert.equal(await containers(), before);
    assert.equal((await api('GET', '/_ping')).body, 'OK');
  });

  test('a bind of an existing host file mounts that file', async () => {
    const r = await d.docker(['run', '--rm', '-v', '/etc/hostname:/h:ro', 'busybox', 'cat', '/h']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, (await import('node:fs')).readFileSync('/etc/hostname', 'utf8'));
  });
});
