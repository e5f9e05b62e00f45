/**
 * Pulls from a real registry (Debian's docker-registry 2.8) through the real docker CLI: layers
 * with whiteouts, opaque dirs, hard links, symlinks, devices, ownership and xattrs; a
 * multi-platform index; a zstd layer; the image config honoured at create, STOPSIGNAL included;
 * shared layers and shared downloads; progress on a TTY; a deep image.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { allStarted } from '../helpers/process.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { busyboxLayer, OciLayout, publishImage, skopeoPush, type ImageSpec } from '../helpers/oci.ts';
import { countingProxy, type CountingProxy } from '../helpers/proxy.ts';
import type { TarEntry } from '../helpers/tar.ts';

const run = promisify(execFile);

describe('docker pull from a registry', () => {
  let d: TestDaemon;
  let reg: TestRegistry;
  let work: string;
  let busybox: Buffer;
  const base = (): TarEntry[] => busyboxLayer(busybox);
  const publish = (repo: string, spec: ImageSpec) => publishImage(reg.host, work, repo, spec);

  before(async () => {
    await allStarted([startDaemon().then((x) => { d = x; }), startRegistry().then((x) => { reg = x; })]);
    work = await mkdtemp('/tmp/moorage-pull-');
    busybox = await readFile('/bin/busybox');
  });
  after(async () => {
    await d?.stop();
    await reg?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('layers with whiteouts, opaque dirs, links, devices, owners and xattrs land as an overlay shows them', async () => {
    const img = await publish('test/layers', { layers: [
      { entries: [...base(), { name: 'gone', body: 'x' }, { name: 'keep', body: 'kept\n' }, { name: 'opq', type: 'directory' },
        { name: 'opq/old', body: 'old' }, { name: 'dir', type: 'directory' }, { name: 'dir/a', body: 'a' }] },
      { entries: [
        { name: '.wh.gone', body: '' }, { name: 'opq', type: 'directory' }, { name: 'opq/.wh..wh..opq', body: '' }, { name: 'opq/new', body: 'new' },
        { name: 'dir/b', body: 'b' }, { name: 'data', type: 'directory' }, { name: 'data/x', body: 'linked' },
        { name: 'data/y', type: 'link', linkname: 'data/x' }, { name: 'link', type: 'symlink', linkname: 'data/x' },
        { name: 'owned', body: 'o', uid: 1000, gid: 1000, mode: 0o640, xattrs: { 'user.moorage': Buffer.from('hello') } },
        { name: 'null2', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
        { name: '.wh..wh.plnk', type: 'directory' },
      ] },
    ] });
    const pull = await d.docker(['pull', img.ref]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /Pull complete/);
    assert.match(pull.stdout, new RegExp(`Digest: ${img.manifest.digest}`));
    const out = await d.docker(['run', '--rm', img.ref, 'sh', '-c',
      'ls -a /opq; cat /keep; ls /gone 2>&1; ls /dir; stat -c "%h %u" /data/x; readlink /link; stat -c "%u:%g %a" /owned; stat -c "%t,%T" /null2; ls -d /.wh* 2>&1; true']);
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['.', '..', 'new'], 'the opaque dir hides the lower layer');
    assert.equal(lines[3], 'kept');
    assert.match(lines[4]!, /No such file/, 'the whiteout hides /gone');
    assert.deepEqual(lines.slice(5, 7), ['a', 'b']);
    assert.equal(lines[7], '2 0', 'a hard link');
    assert.equal(lines[8], 'data/x');
    assert.equal(lines[9], '1000:1000 640');
    assert.equal(lines[10], '1,3');
    assert.match(lines[11]!, /No such file/, 'no whiteout file is visible');
    const inspect = JSON.parse((await d.docker(['image', 'inspect', img.ref])).stdout)[0];
    assert.deepEqual(inspect.RootFS.Layers, img.diffIds);
    assert.deepEqual(inspect.RepoDigests, [`${reg.host}/test/layers@${img.manifest.digest}`]);
    assert.ok(inspect.Size > busybox.length, `size ${inspect.Size}`);
    const top = inspect.GraphDriver.Data.UpperDir as string;
    const { stdout: xattr } = await run('getfattr', ['--only-values', '-n', 'user.moorage', join(top, 'owned')]);
    assert.equal(xattr, 'hello');
    const { stdout: opaque } = await run('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', join(top, 'opq')]);
    assert.equal(opaque, 'y');
    const wh = await stat(join(top, 'gone'));
    assert.ok(wh.isCharacterDevice() && wh.rdev === 0, 'a whiteout is a 0/0 character device');
    // docker diff compares the container with the image as its layers make it.
    const id = (await d.docker(['run', '-d', img.ref, 'sh', '-c', 'touch /added; rm /keep; echo x > /opq/new; sleep 1000'])).stdout.trim();
    try {
      await d.docker(['exec', id, 'true']).catch(() => undefined);
      for (let i = 0; i < 50 && !(await d.docker(['diff', id])).stdout.includes('/added'); i++) await new Promise((r) => setTimeout(r, 100));
      const diff = (await d.docker(['diff', id])).stdout.split('\n').filter(Boolean).sort();
      assert.deepEqual(diff.filter((l) => !l.includes('/run') && l !== 'A /sbin' && !l.includes('/etc') && !l.includes('/dev') && !l.includes('/proc') && !l.includes('/sys') && !l.includes('/tmp')),
        ['A /added', 'C /opq', 'C /opq/new', 'D /keep'], diff.join('\n'));
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('a multi-platform index gives this host its platform, skipping attestations; --platform picks another', async () => {
    const dir = await mkdtemp(join(work, 'oci-'));
    const o = new OciLayout(dir);
    const amd = await o.image({ layers: [{ entries: [...base(), { name: 'arch', body: 'amd64\n' }] }], config: { Cmd: ['cat', '/arch'] } });
    const arm = await o.image({ architecture: 'arm64', variant: 'v8', layers: [{ entries: [{ name: 'arch', body: 'arm64\n' }] }] });
    const att = await o.image({ architecture: 'unknown', os: 'unknown', layers: [{ entries: [{ name: 'att', body: '{}' }] }] });
    const index = await o.index([
      { manifest: att.manifest, platform: { architecture: 'unknown', os: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      { manifest: arm.manifest, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
      { manifest: amd.manifest, platform: { architecture: 'amd64', os: 'linux' } },
    ]);
    await o.finish([{ desc: index, tag: 'multi' }]);
    await skopeoPush(dir, 'multi', `${reg.host}/test/multi:v1`, { all: true });
    const ref = `${reg.host}/test/multi:v1`;
    const runIt = await d.docker(['run', '--rm', ref]);
    assert.equal(runIt.stdout, 'amd64\n', runIt.stderr);
    const digests = (await d.docker(['image', 'inspect', '-f', '{{json .RepoDigests}}', ref])).stdout.trim();
    assert.equal(digests, JSON.stringify([`${reg.host}/test/multi@${index.digest}`]), 'RepoDigests name the index');
    const r = await d.moorage(['pull', '--platform', 'linux/arm64', `${reg.host}/test/multi:v1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await d.docker(['image', 'inspect', '-f', '{{.Architecture}}/{{.Variant}}', ref])).stdout.trim(), 'arm64/v8');
  });

  test('a zstd layer on a gzip base; a shared base layer "Already exists"; a second pull is up to date', async () => {
    const first = await publish('test/zbase', { layers: [{ entries: base() }] });
    assert.equal((await d.docker(['pull', first.ref])).code, 0);
    const img = await publish('test/zstd', { layers: [{ entries: base() }, { entries: [{ name: 'z', body: 'zstd works\n' }], compression: 'zstd' }] });
    const pull = await d.docker(['pull', img.ref]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, new RegExp(`${img.layers[0]!.digest.slice(7, 19)}: Already exists`));
    assert.match(pull.stdout, /Downloaded newer image/);
    assert.equal((await d.docker(['run', '--rm', img.ref, 'cat', '/z'])).stdout, 'zstd works\n');
    const again = await d.docker(['pull', img.ref]);
    assert.match(again.stdout, /Status: Image is up to date for/);
    assert.doesNotMatch(again.stdout, /Already exists|Pull complete/);
  });

  test('the image config is honoured at create: entrypoint, cmd, env, workdir, user, labels, ports, volumes', async () => {
    const img = await publish('test/config', { layers: [{ entries: [...base(), { name: 'work', type: 'directory', mode: 0o777 },
      { name: 'etc', type: 'directory' }, { name: 'etc/passwd', body: 'root:x:0:0::/root:/bin/sh\napp:x:1234:1234::/work:/bin/sh\n' }] }],
    config: {
      Entrypoint: ['sh', '-c', 'echo "$GREETING $0 $(pwd) $(id -u)"'], Cmd: ['from-cmd'], Env: ['GREETING=hello', 'PATH=/bin'],
      WorkingDir: '/work', User: 'app', Labels: { 'org.example': 'yes' }, ExposedPorts: { '8080/tcp': {} }, Volumes: { '/data': {} },
    } });
    const out = await d.docker(['run', '--rm', img.ref]);
    assert.equal(out.stdout, 'hello from-cmd /work 1234\n', out.stderr);
    const id = (await d.docker(['create', '-l', 'own=1', img.ref])).stdout.trim();
    try {
      const c = JSON.parse((await d.docker(['inspect', id])).stdout)[0].Config;
      assert.deepEqual(c.Labels, { 'org.example': 'yes', own: '1' });
      assert.deepEqual(c.ExposedPorts, { '8080/tcp': {} });
      assert.deepEqual(c.Volumes, { '/data': {} });
      assert.equal(c.User, 'app');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test("an image's STOPSIGNAL is the stop signal, and the report and the doctor say it came from the image", async () => {
    const img = await publish('test/stopsignal', { layers: [{ entries: base() }], config: {
      StopSignal: 'SIGQUIT', Cmd: ['sh', '-c', 'trap "echo got-quit; exit 0" QUIT; trap "" TERM; echo ready; while :; do sleep 1; done'],
    } });
    assert.equal((await d.docker(['pull', img.ref])).code, 0);
    const id = (await d.docker(['run', '-d', '--init=false', img.ref])).stdout.trim();
    const own = (await d.docker(['run', '-d', '--stop-signal', 'SIGINT', img.ref])).stdout.trim();
    try {
      await d.waitForLog(id, 'ready');
      assert.equal((await d.docker(['inspect', '-f', '{{.Config.StopSignal}}', id])).stdout.trim(), 'SIGQUIT');
      const doctor = JSON.parse((await d.moorage(['doctor', '--format', 'json', id])).stdout);
      assert.equal(doctor.signalSource, 'image');
      assert.equal(doctor.signal, 'SIGQUIT');
      const t0 = Date.now();
      assert.equal((await d.docker(['stop', '-t', '20', id])).code, 0);
      assert.ok(Date.now() - t0 < 10_000, 'QUIT ended it, not the timeout');
      const report = JSON.parse((await d.docker(['inspect', '-f', '{{json .State.LastStop}}', id])).stdout);
      assert.equal(report.signal, 'SIGQUIT');
      assert.equal(report.signalSource, 'image');
      assert.match((await d.docker(['logs', id])).stdout, /got-quit/);
      const ownDoctor = JSON.parse((await d.moorage(['doctor', '--format', 'json', own])).stdout);
      assert.deepEqual([ownDoctor.signal, ownDoctor.signalSource], ['SIGINT', 'container']);
    } finally {
      await d.docker(['rm', '-f', id, own]);
    }
  });

  test('the docker CLI on a terminal draws per-layer progress', async () => {
    const img = await publish('test/tty', { layers: [{ entries: base() }, { entries: [{ name: 'big', body: Buffer.alloc(3 << 20, 7) }] }] });
    const { stdout } = await run('script', ['-qec', `docker pull ${img.ref}`, '/dev/null'], { env: { ...process.env, DOCKER_HOST: d.host }, timeout: 60_000 });
    assert.match(stdout, new RegExp(`${img.layers[0]!.digest.slice(7, 19)}: Already exists`));
    assert.match(stdout, new RegExp(`${img.layers[1]!.digest.slice(7, 19)}: Pull complete`));
    assert.match(stdout, /\x1b\[\d*[AK]/, 'lines are rewritten in place');
  });

  test('two pulls of the same image at once share each download', async () => {
    const img = await publish('test/shared', { layers: [{ entries: base() }, { entries: [{ name: 'blob', body: Buffer.alloc(8 << 20, 1) }] }] });
    const proxy: CountingProxy = await countingProxy(reg.port);
    const d2 = await startDaemon({ args: ['--registry-host', `${reg.host}=http://127.0.0.1:${proxy.port}`] });
    try {
      const [a, b] = await Promise.all([d2.docker(['pull', img.ref]), d2.docker(['pull', img.ref])]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      for (const l of img.layers) assert.equal(proxy.count(`/blobs/${l.digest}`), 1, `one download of ${l.digest}`);
      assert.equal((await d2.docker(['run', '--rm', img.ref, 'wc', '-c', '/blob'])).stdout.trim(), `${8 << 20} /blob`);
    } finally {
      await d2.stop();
      await proxy.stop();
    }
  });

  test('a Docker Hub mirror and a per-registry endpoint serve images under their real names', async () => {
    await publishImage(reg.host, work, 'library/mirrored', { layers: [{ entries: [...base(), { name: 'from', body: 'mirror\n' }] }] });
    await publishImage(reg.host, work, 'pause', { layers: [{ entries: [...base(), { name: 'from', body: 'k8s\n' }] }] });
    const d2 = await startDaemon({ args: ['--registry-mirror', `http://${reg.host}`, '--registry-host', `registry.k8s.io=http://${reg.host}`] });
    try {
      const hub = await d2.docker(['run', '--rm', 'mirrored:v1', 'cat', '/from']);
      assert.equal(hub.stdout, 'mirror\n', hub.stderr);
      const k8s = await d2.docker(['run', '--rm', 'registry.k8s.io/pause:v1', 'cat', '/from']);
      assert.equal(k8s.stdout, 'k8s\n', k8s.stderr);
      const tags = (await d2.docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.split('\n');
      assert.ok(tags.includes('mirrored:v1') && tags.includes('registry.k8s.io/pause:v1'), tags.join(' '));
    } finally {
      await d2.stop();
    }
  });

  test('an image of 120 layers pulls and runs (short layer links keep the mount options under a page)', async () => {
    const layers = [{ entries: base() }, ...Array.from({ length: 119 }, (_, i) => ({ entries: [{ name: `f${i}`, body: `${i}\n` }] }))];
    const img = await publish('test/deep', { layers });
    const r = await d.docker(['run', '--rm', img.ref, 'sh', '-c', 'cat /f0 /f118; ls / | grep -c "^f"']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '0\n118\n119\n');
  });
});
