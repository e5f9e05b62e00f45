/**
 * Debian's docker-compose 1.29 (a real client that speaks API 1.38) brings up a two-service
 * project — a busybox httpd with a named volume and a published port, and a client that fetches
 * from it by service name — and takes it down gracefully: every process's TERM handler runs,
 * and containers and the network go. Requests go to 127.0.0.1 only.
 * @module
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { eventually, freePort, httpGet, leftovers } from '../helpers/host-net.ts';

function compose(d: TestDaemon, dir: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('docker-compose', ['-p', 'mproj', ...args], { cwd: dir, env: { ...process.env, DOCKER_HOST: d.host }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }));
  });
}

describe('docker-compose 1.29', () => {
  let d: TestDaemon;
  let dir: string;
  before(async () => {
    d = await startDaemon();
    dir = await mkdtemp('/tmp/moorage-compose-');
  });
  after(async () => {
    if (dir) await compose(d, dir, ['down', '-v', '-t', '1']).catch(() => {});
    await d?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('up: web and client talk by service name, the port answers on 127.0.0.1; down: every handler runs, nothing is left', async () => {
    const port = await freePort();
    // Each service has a parent shell and a child with its own TERM handler: a graceful stop runs both.
    const trapped = (name: string, work: string) =>
      `trap 'echo ${name} > /marks/${name}; exit 0' TERM; (trap 'echo ${name}-child > /marks/${name}-child; exit 0' TERM; ${work}) & wait`;
    await writeFile(join(dir, 'docker-compose.yml'), `
version: "3.8"
services:
  web:
    image: busybox
    command: ["sh", "-c", ${JSON.stringify(trapped('web', 'echo hello-compose > /www/index.html; httpd -p 80 -h /www; while true; do sleep 0.2; done'))}]
    ports: ["127.0.0.1:${port}:80"]
    volumes: ["webdata:/www", "./marks:/marks"]
  client:
    image: busybox
    command: ["sh", "-c", ${JSON.stringify(trapped('client', 'while true; do wget -qO- http://web/ > /marks/fetched.tmp 2>/dev/null && mv /marks/fetched.tmp /marks/fetched; sleep 0.2; done'))}]
    volumes: ["./marks:/marks"]
    depends_on: [web]
volumes:
  webdata: {}
`);
    const up = await compose(d, dir, ['up', '-d']);
    assert.equal(up.code, 0, up.out);
    assert.deepEqual(await eventually(() => httpGet(port)), { status: 200, body: 'hello-compose\n' });
    await eventually(async () => assert.equal(await readFile(join(dir, 'marks', 'fetched'), 'utf8'), 'hello-compose\n'));
    const net = JSON.parse((await d.docker(['network', 'inspect', 'mproj_default'])).stdout)[0];
    assert.equal(net.Labels['com.docker.compose.network'], 'default');
    const vol = JSON.parse((await d.docker(['volume', 'inspect', 'mproj_webdata'])).stdout)[0];
    assert.equal(await readFile(join(vol.Mountpoint, 'index.html'), 'utf8'), 'hello-compose\n');
    const again = await compose(d, dir, ['up', '-d']);
    assert.match(again.out, /mproj_web_1 is up-to-date/, 'compose finds its containers as they are (aliases with the short ID)');

    const down = await compose(d, dir, ['down']);
    assert.equal(down.code, 0, down.out);
    const marks = (await readdir(join(dir, 'marks'))).sort();
    assert.deepEqual(marks.filter((m) => m !== 'fetched'), ['client', 'client-child', 'web', 'web-child']);
    assert.equal((await d.docker(['ps', '-aq'])).stdout, '');
    assert.equal((await d.docker(['network', 'inspect', 'mproj_default'])).code, 1);
    assert.deepEqual(await leftovers(d, [net.Id]), []);
    assert.equal((await d.docker(['volume', 'inspect', 'mproj_webdata'])).code, 0, 'down keeps named volumes');
  });
});
