/**
 * `GET /events` through the docker CLI: replay with since/until, filters, and live streaming.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

describe('events through the docker CLI', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  const until = () => String(Math.ceil(Date.now() / 1000) + 1);

  test('replay with since and until, filtered by container, event, type and label', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    assert.equal((await d.docker(['run', '--name', 'ev-a', '-l', 'team=blue', 'busybox', 'true'])).code, 0);
    const b = (await d.docker(['run', '-d', '--name', 'ev-b', '-l', 'team=red', 'busybox', 'true'])).stdout.trim();
    await d.docker(['wait', b]);
    const fmt = ['--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'];
    const byName = await d.docker(['events', '--since', since, '--until', until(), '--filter', 'container=ev-a', ...fmt]);
    assert.deepEqual(byName.stdout.trim().split('\n'), ['container create ev-a', 'container attach ev-a', 'container start ev-a', 'container die ev-a']);
    const dies = await d.docker(['events', '--since', since, '--until', until(), '--filter', 'event=die', '--filter', 'label=team=red', ...fmt]);
    assert.equal(dies.stdout.trim(), 'container die ev-b');
    const images = await d.docker(['events', '--since', since, '--until', until(), '--filter', 'type=image', ...fmt]);
    assert.equal(images.stdout.trim(), '');
    const bad = await d.docker(['events', '--since', '10', '--until', '5']);
    assert.notEqual(bad.code, 0);
    const badFilter = await d.docker(['events', '--filter', 'bogus=1', '--until', until()]);
    assert.notEqual(badFilter.code, 0);
    await d.docker(['rm', '-f', 'ev-a', 'ev-b']);
  });

  test('a live stream delivers new events as they happen', async () => {
    const child = spawn('docker', ['events', '--filter', 'event=create', '--format', '{{.Actor.Attributes.name}}'],
      { env: { ...process.env, DOCKER_HOST: d.host } });
    try {
      let out = '';
      child.stdout.on('data', (c) => { out += c; });
      await new Promise((r) => setTimeout(r, 500));
      const id = (await d.docker(['create', '--name', 'live-one', 'busybox', 'true'])).stdout.trim();
      for (let i = 0; i < 40 && !out.includes('live-one'); i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(out, 'live-one\n');
      await d.docker(['rm', id]);
    } finally {
      child.kill();
    }
  });
});
