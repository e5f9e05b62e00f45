/**
 * Start-up costs: how long a `moorage` command takes from exec to exit (run through its shebang,
 * as a user runs it), next to the docker CLI; and how much memory an idle engine holds.
 * @module
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TestDaemon } from '../test/helpers/daemon.ts';

const BIN = fileURLToPath(new URL('../bin/moorage.mjs', import.meta.url));

/** Wall times (ms) of `runs` executions of a command. */
export async function commandTimes(cmd: string, args: string[], env: NodeJS.ProcessEnv, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => execFile(cmd, args, { env }, (err) => (err ? reject(err) : resolve())));
    out.push(performance.now() - t0);
  }
  return out;
}

/** `moorage --version` and `moorage ps` (one API call) against `d`, and `docker --version`. */
export async function cliStartup(d: TestDaemon, runs: number): Promise<{ version: number[]; ps: number[]; docker: number[] }> {
  const env = { ...process.env, MOORAGE_HOST: d.host };
  return {
    version: await commandTimes(BIN, ['--version'], env, runs),
    ps: await commandTimes(BIN, ['ps'], env, runs),
    docker: await commandTimes('docker', ['--version'], env, runs),
  };
}

/** The engine's resident memory (MB) once it has been idle for `settleMs` (V8 collects after about 10 s). */
export async function idleRssMb(d: TestDaemon, settleMs = 3000): Promise<number> {
  await new Promise((r) => setTimeout(r, settleMs));
  const status = await readFile(`/proc/${d.pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}
