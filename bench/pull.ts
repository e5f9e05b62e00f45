/**
 * Pull benchmark: a 3-layer image of about 150 MB of random content in a local registry
 * (Debian's docker-registry), pulled cold (the image removed and its layers collected before
 * each run) by moorage and by Debian's Docker 20.10 (its own dockerd, data root and socket,
 * no networking), both through the docker CLI, runs alternated, median of BENCH_PULL_RUNS
 * (default 5).
 * Run alone with `node --import tsx bench/pull.ts`; `npm run bench` runs it after the others.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon } from '../test/helpers/daemon.ts';
import { OciLayout, skopeoPush } from '../test/helpers/oci.ts';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.ts';
import { median } from './api.ts';
import { startDockerd } from './dockerd.ts';

const RUNS = Number(process.env.BENCH_PULL_RUNS ?? 5);
const LAYER_MB = 50;

function docker(host: string, args: string[], timeout = 300_000): Promise<string> {
  return new Promise((resolve, reject) => execFile('docker', args, { env: { ...process.env, DOCKER_HOST: host }, timeout, maxBuffer: 64 << 20 },
    (err, stdout, stderr) => (err ? reject(new Error(`docker ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout))));
}

/** Pushes the benchmark image; resolves its reference. */
async function publish(reg: TestRegistry, work: string): Promise<string> {
  const o = new OciLayout(join(work, 'oci'));
  const layers = Array.from({ length: 3 }, (_, i) => ({
    entries: Array.from({ length: 5 }, (_, j) => ({ name: `layer${i}/file${j}`, body: randomBytes((LAYER_MB / 5) << 20) })),
  }));
  const img = await o.image({ layers });
  await o.finish([{ desc: img.manifest, tag: 'v1' }]);
  const ref = `${reg.host}/bench/random:v1`;
  await skopeoPush(join(work, 'oci'), 'v1', ref);
  return ref;
}

/** Times one cold pull through the daemon at `host` (the image removed first, and after). */
async function coldPull(host: string, ref: string): Promise<number> {
  await docker(host, ['rmi', '-f', ref]).catch(() => '');
  const t0 = performance.now();
  await docker(host, ['pull', '-q', ref]);
  const ms = performance.now() - t0;
  await docker(host, ['rmi', '-f', ref]).catch(() => '');
  return ms;
}

/** Runs the pull benchmark and prints its rows. */
export async function pullBench(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'moorage-bench-pull-'));
  const reg = await startRegistry();
  try {
    const ref = await publish(reg, work);
    const d = await startDaemon();
    const dockerd = await startDockerd(work, [reg.host]);
    const moorage: number[] = [];
    let dockerTimes: number[] | null = 'error' in dockerd ? null : [];
    if ('error' in dockerd) console.log(`Docker 20.10 could not run here, so moorage is measured alone: ${dockerd.error}`);
    try {
      // Alternated, so both meet the same machine: a noisy moment costs each one run.
      for (let i = 0; i < RUNS; i++) {
        moorage.push(await coldPull(d.host, ref));
        if (dockerTimes && !('error' in dockerd)) dockerTimes.push(await coldPull(dockerd.host, ref));
      }
    } finally {
      await d.stop();
      if (!('error' in dockerd)) await dockerd.stop();
    }
    if (dockerTimes && !dockerTimes.length) dockerTimes = null;
    const row = (name: string, xs: number[], note: string) =>
      console.log(`${name.padEnd(48)} ${median(xs).toFixed(0).padStart(7)} ms   (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}; ${note})`);
    console.log(`pull of a 3-layer image of ${3 * LAYER_MB} MB of random content from a local registry, cold, median of ${RUNS}`);
    row('moorage', moorage, dockerTimes ? `${(median(moorage) / median(dockerTimes)).toFixed(2)}x Docker; target <= 0.7x` : 'target <= 0.7x Docker');
    if (dockerTimes) row('Docker 20.10 (Debian docker.io, overlay2)', dockerTimes, 'reference');
  } finally {
    await reg.stop();
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await pullBench();
