/**
 * moorage's own CLI drives networks, volumes and published ports: network and volume verbs,
 * run's -p/--network/--network-alias/--ip/--dns/--add-host/--mount/--tmpfs/-v name:/path, port.
 * @module
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { eventually, httpGet } from '../helpers/host-net.ts';

describe('moorage network, volume and port verbs', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  test('a user network with an alias and a fixed address, a named volume, tmpfs, published port', async () => {
    const b = 150 + d.slot;
    assert.equal((await d.moorage(['network', 'create', '--subnet', `10.${b}.210.0/24`, '--label', 'x=y', 'clinet'])).code, 0);
    assert.match((await d.moorage(['network', 'ls'])).stdout, /clinet\s+bridge\s+local/);
    assert.equal((await d.moorage(['volume', 'create', 'clivol'])).stdout, 'clivol\n');
    const web = await d.moorage(['run', '-d', '--name', 'cliweb', '--network', 'clinet', '--network-alias', 'site', '--ip', `10.${b}.210.50`,
      '-p', '127.0.0.1::80', '-v', 'clivol:/www', '--tmpfs', '/scratch', 'busybox', 'sh', '-c', 'echo via-cli > /www/index.html; exec httpd -f -p 80 -h /www']);
    assert.equal(web.code, 0, web.stderr);
    const port = (await d.moorage(['port', 'cliweb', '80'])).stdout.trim();
    assert.match(port, /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(await eventually(() => httpGet(Number(port.split(':')[1]))), { status: 200, body: 'via-cli\n' });
    const client = await d.moorage(['run', '--rm', '--network', 'clinet', '--dns', '192.0.2.1', '--add-host', 'x.test:192.0.2.9',
      '--mount', 'type=volume,source=clivol,target=/v,readonly', 'busybox', 'sh', '-c',
      'cat /v/index.html; grep x.test /etc/hosts; for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://site/ && exit 0; sleep 0.3; done']);
    assert.equal(client.stdout, 'via-cli\n192.0.2.9\tx.test\nvia-cli\n', client.stderr);
    const ins = JSON.parse((await d.moorage(['network', 'inspect', 'clinet'])).stdout)[0];
    assert.deepEqual(Object.values(ins.Containers).map((c) => (c as { IPv4Address: string }).IPv4Address), [`10.${b}.210.50/24`]);
    assert.equal((await d.moorage(['rm', '-f', 'cliweb'])).code, 0);
    assert.equal((await d.moorage(['network', 'rm', 'clinet'])).code, 0);
    assert.equal((await d.moorage(['volume', 'rm', 'clivol'])).code, 0);
    assert.doesNotMatch((await d.moorage(['volume', 'ls', '-q'])).stdout, /clivol/);
  });
});
