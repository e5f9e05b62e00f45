/**
 * Published ports through the docker CLI: fixed and random host ports on 127.0.0.1, `-P` from
 * the image's EXPOSE, udp, `docker port`, and a port already taken failing the start cleanly.
 * Every request goes to 127.0.0.1.
 * @module
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { eventually, freePort, httpGet, leftovers } from '../helpers/host-net.ts';

const HTTPD = ['sh', '-c', 'mkdir -p /www && echo published > /www/index.html && exec httpd -f -p 80 -h /www'];

describe('published ports', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  test('-p 127.0.0.1:H:80 and -p 127.0.0.1::80 answer on 127.0.0.1; docker port and inspect report them', async () => {
    const fixed = await freePort();
    const id = (await d.docker(['run', '-d', '-p', `127.0.0.1:${fixed}:80`, '-p', '127.0.0.1::80', 'busybox', ...HTTPD])).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.deepEqual(await eventually(() => httpGet(fixed)), { status: 200, body: 'published\n' });
    const port = await d.docker(['port', id, '80']);
    const lines = port.stdout.trim().split('\n').sort();
    assert.equal(lines.length, 2, port.stdout);
    const random = Number(lines.map((l) => l.split(':')[1]).find((p) => p !== String(fixed)));
    assert.ok(random >= 1024, port.stdout);
    assert.deepEqual(await httpGet(random), { status: 200, body: 'published\n' });
    const ports = JSON.parse((await d.docker(['inspect', '-f', '{{json .NetworkSettings.Ports}}', id])).stdout);
    assert.deepEqual(ports['80/tcp'].map((b: { HostPort: string }) => b.HostPort).sort(), [String(fixed), String(random)].sort());
    assert.match((await d.docker(['ps', '--format', '{{.Ports}}'])).stdout, new RegExp(`127\\.0\\.0\\.1:${fixed}->80/tcp`));
    assert.equal((await d.docker(['stop', '-t', '1', id])).code, 0);
    assert.deepEqual(JSON.parse((await d.docker(['inspect', '-f', '{{json .NetworkSettings.Ports}}', id])).stdout), {});
    await assert.rejects(httpGet(fixed, '/', 1000), 'nothing forwards the port once stopped');
    assert.equal((await d.docker(['rm', id])).code, 0);
  });

  test('-P publishes the image\'s EXPOSE on random ports; udp is forwarded', async () => {
    const dir = await mkdtemp('/tmp/moorage-ports-');
    try {
      await promisify(execFile)('tar', ['-C', '/', '-cf', join(dir, 'bb.tar'), 'bin/busybox']);
      const imp = await d.docker(['import', '-c', 'EXPOSE 80 5353/udp', '-c', 'CMD ["/bin/busybox","sh"]', join(dir, 'bb.tar'), 'exposing:v1']);
      assert.equal(imp.code, 0, imp.stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const id = (await d.docker(['run', '-d', '-P', 'exposing:v1', '/bin/busybox', 'sh', '-c',
      '/bin/busybox mkdir -p /www; echo exposed > /www/index.html; exec /bin/busybox httpd -f -p 80 -h /www'])).stdout.trim();
    const port = (await d.docker(['port', id])).stdout;
    const tcp = Number(/80\/tcp -> 0\.0\.0\.0:(\d+)/.exec(port)?.[1]);
    const udp = Number(/5353\/udp -> 0\.0\.0\.0:(\d+)/.exec(port)?.[1]);
    assert.ok(tcp && udp, port);
    assert.deepEqual(await eventually(() => httpGet(tcp)), { status: 200, body: 'exposed\n' });
    // busybox has no UDP server: a node listener joins the container's network namespace instead.
    const netns = (await d.docker(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', id])).stdout.trim();
    const listener = spawn('nsenter', [`--net=${netns}`, process.execPath, '-e',
      `const s=require('node:dgram').createSocket('udp4');s.on('message',(m)=>{process.stdout.write(String(m));process.exit(0)});s.bind(5353,()=>console.log('ready'));setTimeout(()=>process.exit(3),15000)`]);
    let got = '';
    listener.stdout.on('data', (b) => { got += b; });
    const sock = createSocket('udp4');
    try {
      await eventually(async () => { if (!got.includes('ready')) throw new Error('not listening yet'); });
      await eventually(async () => {
        await new Promise<void>((res, rej) => sock.send('datagram-in', udp, '127.0.0.1', (e) => (e ? rej(e) : res())));
        if (!got.includes('datagram-in')) throw new Error('not yet');
      }, 5000);
    } finally {
      sock.close();
      listener.kill();
    }
    assert.equal((await d.docker(['rm', '-f', id])).code, 0);
  });

  test('a host port already in use fails the start with a clear error and leaves nothing', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = await d.docker(['run', '-d', '--name', 'clash', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '60']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}.*address already in use`));
      assert.equal((await d.docker(['inspect', '-f', '{{.State.Status}}', 'clash'])).stdout.trim(), 'created');
      assert.deepEqual(await leftovers(d), []);
      // a port another container of this engine publishes is taken too
      const first = (await d.docker(['run', '-d', '-p', '127.0.0.1:0:80', 'busybox', 'sleep', '60'])).stdout.trim();
      const used = (await d.docker(['port', first, '80'])).stdout.trim().split(':')[1];
      const second = await d.docker(['run', '-d', '-p', `${used}:80`, 'busybox', 'sleep', '60']);
      assert.match(second.stderr, /port is already allocated/);
      assert.equal((await d.docker(['rm', '-f', first])).code, 0);
      await d.docker(['rm', '-f', 'clash', ...(await d.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean)]);
      assert.deepEqual(await leftovers(d), []);
    } finally {
      holder.close();
    }
  });
});
