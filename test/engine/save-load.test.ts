/**
 * `docker save` / `docker load` through the real docker CLI (moorage's archive: OCI layout plus
 * manifest.json; Docker 20.10's legacy layout written by the test; a bare OCI layout), and the
 * other image endpoints: tag, history, prune, search, inspect for old API versions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { busyboxLayer, OciLayout } from '../helpers/oci.ts';
import { makeTar, type TarEntry } from '../helpers/tar.ts';
import { call } from '../helpers/api.ts';

const run = promisify(execFile);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const get = (socket: string, path: string) => call(socket, 'GET', path);

describe('save, load and the other image endpoints', () => {
  let d: TestDaemon;
  let work: string;
  let busybox: Buffer;
  const base = (): TarEntry[] => busyboxLayer(busybox, ['sh', 'cat']);

  before(async () => {
    d = await startDaemon();
    work = await mkdtemp('/tmp/moorage-saveload-');
    busybox = await readFile('/bin/busybox');
  });
  after(async () => {
    await d?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('docker save | docker load gives back the same images, and a second engine runs them', async () => {
    assert.equal((await d.docker(['tag', 'busybox', 'saved/one:v1'])).code, 0);
    const id = (await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'saved/one:v1'])).stdout.trim();
    const file = join(work, 'saved.tar');
    const { stdout: listing } = await run('sh', ['-c', `docker save saved/one:v1 busybox > ${file} && tar -tf ${file}`], { env: { ...process.env, DOCKER_HOST: d.host } });
    for (const f of ['oci-layout', 'index.json', 'manifest.json', `blobs/sha256/${id.slice(7)}`]) assert.match(listing, new RegExp(`^${f}$`, 'm'));
    const manifest = JSON.parse((await run('tar', ['-xOf', file, 'manifest.json'])).stdout);
    assert.deepEqual(manifest[0].RepoTags.sort(), ['busybox:latest', 'saved/one:v1']);
    assert.equal((await d.docker(['rmi', 'saved/one:v1'])).code, 0);
    const { stdout } = await run('sh', ['-c', `docker load < ${file}`], { env: { ...process.env, DOCKER_HOST: d.host } });
    assert.match(stdout, /Loaded image: saved\/one:v1/);
    assert.equal((await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'saved/one:v1'])).stdout.trim(), id);
    const d2 = await startDaemon();
    try {
      const load = await d2.docker(['load', '-i', file]);
      assert.equal(load.code, 0, load.stderr);
      assert.equal((await d2.docker(['run', '--rm', 'saved/one:v1', 'echo', 'loaded elsewhere'])).stdout, 'loaded elsewhere\n');
    } finally {
      await d2.stop();
    }
  });

  test('an archive in Docker 20.10\'s legacy layout loads, and so does a bare OCI layout', async () => {
    const layer = await makeTar([...base(), { name: 'legacy', body: 'from 20.10\n' }]);
    const diffId = `sha256:${sha(layer)}`;
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['cat', '/legacy'] }, rootfs: { type: 'layers', diff_ids: [diffId] } }));
    const v1 = sha(Buffer.from(`v1${diffId}`));
    const archive = await makeTar([
      { name: v1, type: 'directory' }, { name: `${v1}/VERSION`, body: '1.0' }, { name: `${v1}/json`, body: JSON.stringify({ id: v1 }) },
      { name: `${v1}/layer.tar`, body: layer }, { name: `${sha(config)}.json`, body: config },
      { name: 'manifest.json', body: JSON.stringify([{ Config: `${sha(config)}.json`, RepoTags: ['legacy/app:v1'], Layers: [`${v1}/layer.tar`] }]) },
      { name: 'repositories', body: JSON.stringify({ 'legacy/app': { v1 } }) },
    ]);
    await writeFile(join(work, 'legacy.tar'), archive);
    const r = await d.docker(['load', '-i', join(work, 'legacy.tar')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Loaded image: legacy\/app:v1/);
    assert.equal((await d.docker(['run', '--rm', 'legacy/app:v1'])).stdout, 'from 20.10\n');
    assert.equal((await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'legacy/app:v1'])).stdout.trim(), `sha256:${sha(config)}`);

    const dir = await mkdtemp(join(work, 'oci-'));
    const o = new OciLayout(dir);
    const named = await o.image({ layers: [{ entries: [...base(), { name: 'oci', body: 'bare layout\n' }], compression: 'zstd' }], config: { Cmd: ['cat', '/oci'] } });
    await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [
      { ...named.manifest, annotations: { 'io.containerd.image.name': 'docker.io/library/ocilayout:v2', 'org.opencontainers.image.ref.name': 'v2' } }] }));
    await run('tar', ['-C', dir, '-cf', join(work, 'oci.tar'), '.']);
    const oci = await d.docker(['load', '-i', join(work, 'oci.tar')]);
    assert.equal(oci.code, 0, oci.stderr);
    assert.match(oci.stdout, /Loaded image: ocilayout:v2/);
    assert.equal((await d.docker(['run', '--rm', 'ocilayout:v2'])).stdout, 'bare layout\n');
  });

  test("moorage's own save, load and history", async () => {
    const file = join(work, 'moorage-save.tar');
    assert.equal((await d.moorage(['tag', 'busybox', 'mine/saved:v3'])).code, 0);
    const save = await d.moorage(['save', '-o', file, 'mine/saved:v3']);
    assert.equal(save.code, 0, save.stderr);
    assert.equal((await d.moorage(['rmi', 'mine/saved:v3'])).code, 0);
    const load = await d.moorage(['load', '-i', file]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /^Loaded image: mine\/saved:v3$/m);
    const history = await d.moorage(['history', 'mine/saved:v3']);
    assert.match(history.stdout, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/m);
    assert.match(history.stdout, /moorage: \/bin\/busybox --list-full/);
  });

  test('a bad archive is refused and leaves no image', async () => {
    const before = (await d.docker(['images', '-q'])).stdout;
    const layer = await makeTar([{ name: 'x', body: 'x' }]);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } }));
    await writeFile(join(work, 'bad.tar'), await makeTar([
      { name: 'layer.tar', body: layer }, { name: 'c.json', body: config },
      { name: 'manifest.json', body: JSON.stringify([{ Config: 'c.json', RepoTags: ['bad/load:v1'], Layers: ['layer.tar'] }]) },
    ]));
    const r = await d.docker(['load', '-i', join(work, 'bad.tar')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not match its diffID/);
    assert.equal((await d.docker(['images', '-q'])).stdout, before);
  });

  test('tag, history, prune, search, and ContainerConfig for API versions below 1.45', async () => {
    assert.equal((await d.docker(['tag', 'busybox', 'hist/img:v1'])).code, 0);
    const h = await d.docker(['history', '--no-trunc', '--format', '{{.ID}} {{.CreatedBy}}', 'hist/img:v1']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^sha256:[0-9a-f]{64} moorage: \/bin\/busybox --list-full$/m);
    const old = await get(d.socket, '/v1.44/images/hist/img:v1/json');
    assert.equal(typeof JSON.parse(old.body).ContainerConfig, 'object');
    assert.equal(JSON.parse((await get(d.socket, '/v1.45/images/hist/img:v1/json')).body).ContainerConfig, undefined);
    const search = await d.docker(['search', 'alpine']);
    assert.notEqual(search.code, 0);
    assert.match(search.stderr, /not supported/);
    assert.equal((await d.docker(['rmi', 'hist/img:v1'])).code, 0);
    const imp = await makeTar([{ name: 'only', body: 'x' }]);
    await writeFile(join(work, 'dangling.tar'), imp);
    assert.equal((await d.docker(['import', join(work, 'dangling.tar')])).code, 0);
    assert.equal((await d.docker(['import', join(work, 'dangling.tar'), 'unused/tagged:v1'])).code, 0);
    const prune = await d.docker(['image', 'prune', '-f']);
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, /deleted: sha256:/i);
    assert.equal((await d.docker(['image', 'inspect', 'unused/tagged:v1'])).code, 0, 'a tagged image is not dangling');
    const all = await d.docker(['image', 'prune', '-a', '-f']);
    assert.match(all.stdout, /untagged: unused\/tagged:v1/i);
    assert.notEqual((await d.docker(['image', 'inspect', 'unused/tagged:v1'])).code, 0);
  });
});
