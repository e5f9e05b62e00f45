/**
 * `docker commit` through the real docker CLI, moorage's CLI and its SDK: the new image holds the
 * container's added, changed and deleted files (overlay whiteouts and opaque directories written
 * as a layer's), none of the runtime's mount points, the container's settings under the
 * commit's changes, a parent and a history; a running container keeps running; an unchanged
 * container adds no layer; bad input is a clear 4xx.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MoorageClient } from '../../src/client/index.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

interface Inspect {
  Id: string;
  Parent: string;
  Author: string;
  Comment: string;
  Config: { Cmd: string[] | null; Env: string[]; Labels: Record<string, string> | null; WorkingDir: string; StopSignal?: string };
  RootFS: { Layers: string[] };
}

describe('docker commit', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  const ok = async (args: string[]) => {
    const r = await d.docker(args, { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const inspect = async (ref: string) => (JSON.parse(await ok(['image', 'inspect', ref])) as Inspect[])[0]!;

  test('a stopped container: added, changed and deleted files, an opaque directory, settings and changes', async () => {
    await ok(['run', '--name', 'c1', '-w', '/tmp', '-e', 'FROM_RUN=1', '--label', 'l=run', 'busybox', 'sh', '-c',
      'echo hello > /hello; echo changed > /etc/passwd; rm /bin/vi; rm -rf /root; mkdir /root; echo only > /root/only'], );
    const id = await ok(['commit', '-a', 'Ann <ann@example.com>', '-m', 'first commit', '-c', 'CMD ["cat","/hello"]',
      '-c', 'ENV X=1', '-c', 'LABEL l=commit', 'c1', 'committed:v1']);
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await ok(['run', '--rm', 'committed:v1']), 'hello');
    assert.equal(await ok(['run', '--rm', 'committed:v1', 'cat', '/etc/passwd']), 'changed');
    const vi = await d.docker(['run', '--rm', 'committed:v1', 'ls', '/bin/vi']);
    assert.notEqual(vi.code, 0, 'a deleted file stays deleted in the new image');
    // /root was removed and made again: overlay marks it opaque; nothing of the image's shows through.
    assert.equal(await ok(['run', '--rm', 'committed:v1', 'ls', '-A', '/root']), 'only');
    // The runtime's mount points are not the container's changes: /etc/hostname etc. come from the new container's own mounts.
    assert.equal(await ok(['run', '--rm', '--hostname', 'fresh', 'committed:v1', 'cat', '/etc/hostname']), 'fresh');

    const img = await inspect('committed:v1');
    const busybox = await inspect('busybox');
    assert.equal(img.Id, id);
    assert.equal(img.Parent, busybox.Id);
    assert.equal(img.Author, 'Ann <ann@example.com>');
    assert.equal(img.Comment, 'first commit');
    assert.deepEqual(img.RootFS.Layers.slice(0, -1), busybox.RootFS.Layers);
    assert.equal(img.RootFS.Layers.length, busybox.RootFS.Layers.length + 1);
    assert.deepEqual(img.Config.Cmd, ['cat', '/hello']);
    assert.ok(img.Config.Env.includes('X=1') && img.Config.Env.includes('FROM_RUN=1'), img.Config.Env.join(' '));
    assert.equal(img.Config.Labels?.l, 'commit');
    assert.equal(img.Config.WorkingDir, '/tmp');
    assert.equal(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}', 'committed']), 'committed:v1', 'docker images REPO lists that repo only');
    assert.equal(await ok(['images', '-q', '--filter', 'reference=busy*']), busybox.Id.slice(7, 19));
    const history = await ok(['history', '--format', '{{.Comment}}', 'committed:v1']);
    assert.equal(history.split('\n')[0], 'first commit');
    const events = await ok(['events', '--since', '0', '--until', '0s', '--filter', 'event=commit', '--format', '{{.Actor.Attributes.name}}']);
    assert.match(events, /c1/);
    await ok(['rm', 'c1']);
  });

  test('a running container is paused for the commit and keeps running; an unchanged one adds no layer', async () => {
    const id = await ok(['run', '-d', 'busybox', 'sh', '-c', 'echo up > /up; exec sleep 1000']);
    await d.waitForLog(id, '', 1000).catch(() => {});
    for (let i = 0; i < 50 && (await d.docker(['exec', id, 'cat', '/up'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    await ok(['commit', id, 'committed:running']);
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}}', id]), 'running');
    assert.equal(await ok(['run', '--rm', 'committed:running', 'cat', '/up']), 'up');
    await ok(['commit', '--pause=false', id, 'committed:nopause']);
    const mine = await d.moorage(['commit', '--pause=false', id, 'committed:nopause-cli']);
    assert.equal(mine.code, 0, mine.stderr);
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}}', id]), 'running');
    await ok(['rm', '-f', id]);

    const same = await ok(['create', 'busybox', 'true']);
    await ok(['commit', '-c', 'ENV Y=2', same, 'committed:same']);
    const img = await inspect('committed:same');
    const busybox = await inspect('busybox');
    assert.deepEqual(img.RootFS.Layers, busybox.RootFS.Layers, 'no change, no layer');
    assert.ok(img.Config.Env.includes('Y=2'));
    const h = (await ok(['history', '-q', 'committed:same'])).split('\n');
    assert.equal(h.length, (await ok(['history', '-q', 'busybox'])).split('\n').length + 1);
    await ok(['rm', same]);
  });

  test('moorage commit and the SDK, and a committed image through save and load', async () => {
    await ok(['run', '--name', 'c2', 'busybox', 'sh', '-c', 'echo sdk > /sdk']);
    const r = await d.moorage(['commit', '-c', 'CMD ["cat","/sdk"]', 'c2', 'committed:cli']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    assert.equal(await ok(['run', '--rm', 'committed:cli']), 'sdk');

    const client = new MoorageClient({ host: d.host });
    const id = await client.containers.commit('c2', { ref: 'committed:sdk', config: { Cmd: ['cat', '/sdk'], Labels: { via: 'sdk' } } });
    assert.equal((await client.images.inspect('committed:sdk')).Id, id);
    assert.equal(((await client.images.inspect('committed:sdk')).Config.Labels as Record<string, string> | null)?.via, 'sdk');

    // A parent stays while it has children: by ID it cannot be deleted even forced, by name it is only untagged.
    await ok(['run', '--name', 'c2b', 'committed:cli', 'sh', '-c', 'echo grand > /grand']);
    await ok(['commit', 'c2b', 'committed:grand']);
    await ok(['rm', 'c2b']);
    const parentId = (await inspect('committed:cli')).Id;
    const byId = await d.docker(['rmi', '-f', parentId]);
    assert.match(byId.stderr, /image has dependent child images/);
    assert.match(await ok(['rmi', 'committed:cli']), /Untagged: committed:cli/);
    assert.equal((await inspect(parentId)).Id, parentId, 'the untagged parent stays');
    assert.equal(await ok(['images', '-q', '--no-trunc']).then((o) => o.includes(parentId)), false, 'an untagged parent is hidden without -a');
    await ok(['image', 'prune', '-f']);
    assert.equal(await ok(['run', '--rm', 'committed:grand', 'cat', '/sdk', '/grand']), 'sdk\ngrand');
    await ok(['rmi', 'committed:grand']);
    assert.equal((await d.docker(['image', 'inspect', parentId])).code, 1, 'deleting its last child deletes the untagged parent with it (moby without noprune)');

    const tar = await d.dockerBytes(['save', 'committed:sdk']);
    assert.equal(tar.code, 0, tar.stderr);
    await ok(['rmi', 'committed:sdk']);
    const loaded = await d.dockerBytes(['load'], tar.stdout);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(await ok(['run', '--rm', 'committed:sdk']), 'sdk');
    await ok(['rm', 'c2']);
  });

  test('bad input: a missing container, a bad change, a digest tag, a bad body', async () => {
    await ok(['create', '--name', 'c3', 'busybox', 'true']);
    const missing = await d.docker(['commit', 'nosuch', 'x:y']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such container: nosuch/);
    const change = await d.docker(['commit', '-c', 'RUN rm -rf /', 'c3', 'x:y']);
    assert.match(change.stderr, /RUN is not a valid change command/);
    const digest = await d.docker(['commit', 'c3', `x@sha256:${'a'.repeat(64)}`]);
    assert.notEqual(digest.code, 0);
    const client = new MoorageClient({ host: d.host });
    await assert.rejects(client.containers.commit('c3', { config: { Env: 'A=1' as unknown as string[] } }), /invalid Env: expected array/);
    assert.equal((await d.docker(['images', '-q', 'x'])).stdout.trim(), '', 'no image left by a failed commit');
    await ok(['rm', 'c3']);
  });
});
