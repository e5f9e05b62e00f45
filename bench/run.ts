/**
 * moorage benchmarks, medians over BENCH_RUNS runs (default 20):
 *  - create + start of a busybox container;
 *  - stop of a container whose PID 1 exits at once on TERM (no init, Docker's case);
 *  - stop of a container whose processes exit at once on TERM, with and without moorage-init;
 *  - ten stops at once against one alone;
 *  - CLI start-up (`moorage --version`, `moorage ps`) against `docker --version`;
 *  - the idle engine's resident memory;
 *  - create+start on the default bridge network against `--network none`, and the time a
 *    published port takes to answer on 127.0.0.1 after `start` returns;
 *  - exec of `true` in a running container (through the SDK, attached as the CLI does) next to
 *    a whole run of `true`, and the same on Debian's Docker 20.10 (bench/dockerd.ts);
 *  - a cold pull of a 150 MB image from a local registry, next to Docker 20.10's (bench/pull.ts).
 * Run with `npm run bench`. Prints a table; timings are not asserted anywhere.
 */
import { startDaemon } from '../test/helpers/daemon.ts';
import { call, median } from './api.ts';
import { networkBench } from './network.ts';
import { execBench, type ExecBench } from './exec.ts';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parallelStops } from './parallel.ts';
import { cliStartup, idleRssMb } from './startup.ts';
import { pullBench } from './pull.ts';
import { startDockerd } from './dockerd.ts';

const execFileP = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const FAST_EXIT = ['sh', '-c', 'trap "exit 0" TERM; sleep 1000 & wait'];

/** The exec rows on Debian's Docker 20.10, with moorage's busybox loaded into it. */
async function dockerExecBench(moorageHost: string, runs: number): Promise<ExecBench | { error: string }> {
  const work = await mkdtemp(join(tmpdir(), 'moorage-bench-dockerd-'));
  const dockerd = await startDockerd(work);
  try {
    if ('error' in dockerd) return dockerd;
    await execFileP('sh', ['-c', `docker -H ${moorageHost} save busybox | docker -H ${dockerd.host} load -q`]);
    return await execBench(dockerd.host, runs);
  } finally {
    if (!('error' in dockerd)) await dockerd.stop();
    await rm(work, { recursive: true, force: true });
  }
}

const d = await startDaemon();
try {
  const rss = await idleRssMb(d, 12_000); // long enough for V8's idle-time collection
  const v = '/v1.45';
  const create = async (cmd: string[], init: boolean) => {
    // No network: these rows measure the engine's own work (the network rows measure netavark's).
    const r = await call(d.socket, 'POST', `${v}/containers/create`, { Image: 'busybox', Cmd: cmd, HostConfig: { Init: init, NetworkMode: 'none' } });
    if (r.status !== 201) throw new Error(`create: ${r.status} ${r.body}`);
    return (JSON.parse(r.body) as { Id: string }).Id;
  };
  const start = async (id: string) => {
    const r = await call(d.socket, 'POST', `${v}/containers/${id}/start`);
    if (r.status !== 204) throw new Error(`start: ${r.status} ${r.body}`);
  };
  const remove = (id: string) => call(d.socket, 'DELETE', `${v}/containers/${id}?force=1`);
  const settle = () => new Promise((r) => setTimeout(r, 150)); // let the shell reach `wait`

  const createStart: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const id = await create(['sleep', '1000'], false);
    await start(id);
    createStart.push(performance.now() - t0);
    await remove(id);
  }

  const stopTimes = async (init: boolean) => {
    const out: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const id = await create(FAST_EXIT, init);
      await start(id);
      await settle();
      const t0 = performance.now();
      const r = await call(d.socket, 'POST', `${v}/containers/${id}/stop?t=10`);
      out.push(performance.now() - t0);
      if (r.status !== 204) throw new Error(`stop: ${r.status} ${r.body}`);
      await remove(id);
    }
    return out;
  };
  const stopNoInit = await stopTimes(false);
  const stopInit = await stopTimes(true);
  const rounds = Math.max(3, Math.round(RUNS / 4));
  const parNoInit = await parallelStops(d, { rounds, init: false });
  const parInit = await parallelStops(d, { rounds, init: true });
  const cli = await cliStartup(d, RUNS);
  const net = await networkBench(d, RUNS);
  const ex = await execBench(d.host, RUNS);
  const dockerEx = await dockerExecBench(d.host, RUNS);

  const row = (name: string, xs: number[], target: string, unit = 'ms') =>
    console.log(`${name.padEnd(48)} ${median(xs).toFixed(1).padStart(7)} ${unit}   (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}; target ${target})`);
  const ratio = (p: { one: number[]; ten: number[] }) => `${(median(p.ten) / median(p.one)).toFixed(1)}x one stop`;
  console.log(`moorage bench: medians over ${RUNS} runs (${rounds} rounds of parallel stops), runtime runc, API over the unix socket`);
  row('create+start (--network none)', createStart, '<= 60 ms');
  row('create+start, --network bridge (netavark)', net.bridge, 'reference');
  row('create+start, --network none', net.none, 'reference');
  row('published port answers on 127.0.0.1 after start', net.portAnswer, 'reference');
  row('stop, PID 1 exits on TERM (no init)', stopNoInit, '<= 15 ms');
  row('stop, processes exit on TERM (moorage-init)', stopInit, `<= no-init + 5 ms = ${(median(stopNoInit) + 5).toFixed(1)} ms`);
  row('one stop alone (no init)', parNoInit.one, 'reference');
  row(`ten stops at once (no init): ${ratio(parNoInit)}`, parNoInit.ten, '<= 4x one stop');
  row('one stop alone (moorage-init)', parInit.one, 'reference');
  row(`ten stops at once (moorage-init): ${ratio(parInit)}`, parInit.ten, '<= 4x one stop');
  row('exec of true (create, start attached, exit code)', ex.exec, '<= 25 ms');
  row('exec of true, container without seccomp filter', ex.execUnconfined, 'reference');
  row('run of true (create, attach, start, wait, rm)', ex.run, 'reference');
  if ('error' in dockerEx) console.log(`Docker 20.10 could not run here, so exec is measured on moorage alone: ${dockerEx.error}`);
  else {
    row('Docker 20.10: exec of true', dockerEx.exec, 'reference');
    row('Docker 20.10: exec of true, without seccomp filter', dockerEx.execUnconfined, 'reference');
    row('Docker 20.10: run of true', dockerEx.run, 'reference');
  }
  row('CLI start-up: moorage --version', cli.version, '<= 120 ms');
  row('CLI start-up + one call: moorage ps', cli.ps, '<= 120 ms');
  row('docker --version (for reference)', cli.docker, 'reference');
  console.log(`${'engine resident memory, idle'.padEnd(48)} ${rss.toFixed(1).padStart(7)} MB   (target <= 60 MB)`);
} finally {
  await d.stop();
}
await pullBench();
