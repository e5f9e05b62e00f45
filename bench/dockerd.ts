/**
 * Debian's Docker 20.10 (docker.io, installed by the set-up, its service disabled) started for
 * a benchmark in its own roots and socket, without networking, so that moorage and Docker meet
 * the same machine in the same run.
 * @module
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { stopProcess } from '../test/helpers/process.ts';

function pingable(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping' }, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** A running dockerd. */
export interface BenchDockerd {
  host: string;
  stop(): Promise<void>;
}

/** Starts dockerd under `work`; resolves its host and a stop function, or the reason it cannot run. */
export async function startDockerd(work: string, insecureRegistries: string[] = []): Promise<BenchDockerd | { error: string }> {
  const root = join(work, 'dockerd');
  const socket = join(root, 'docker.sock');
  let log = '';
  const child = spawn('/usr/sbin/dockerd', ['--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '-H', `unix://${socket}`,
    '--pidfile', join(root, 'docker.pid'), '--bridge=none', '--iptables=false', '--ip-masq=false',
    ...insecureRegistries.flatMap((r) => ['--insecure-registry', r]), '--storage-driver', 'overlay2'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', (d) => { log += d; });
  const stop = async () => {
    await stopProcess(child, 20_000);
    await rm(root, { recursive: true, force: true }).catch(() => {});
  };
  const deadline = Date.now() + 30_000;
  while (!(await pingable(socket))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      return { error: log.split('\n').filter((l) => /level=(error|fatal)/.test(l)).slice(-3).join('\n') || `dockerd exited with ${child.exitCode}` };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host: `unix://${socket}`, stop };
}
