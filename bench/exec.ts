/**
 * Exec latency: `true` exec'd in a running container through the SDK (create, start attached
 * over the hijacked connection, output to its end, exit code from inspect: what `docker exec`
 * does), next to a whole `run` of `true` (create, attach, start, wait, remove). No network.
 * @module
 */
import { MoorageClient } from '../src/client/index.ts';

/** Per-run times in ms. */
export interface ExecBench {
  exec: number[];
  /** In a container without a seccomp filter: runc compiles the filter for each exec (~25 ms here). */
  execUnconfined: number[];
  run: number[];
}

/** Measures `runs` execs and `runs` runs of `true` on the engine at `host` (moorage's, or Docker's to compare). */
export async function execBench(host: string, runs: number): Promise<ExecBench> {
  const client = new MoorageClient({ host });
  const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '1000'], HostConfig: { NetworkMode: 'none' } });
  const { Id: open } = await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '1000'],
    HostConfig: { NetworkMode: 'none', SecurityOpt: ['seccomp=unconfined'] } });
  const exec: number[] = [];
  const execUnconfined: number[] = [];
  const run: number[] = [];
  const execs = async (id: string, out: number[]) => {
    await client.execs.run(id, ['true']); // warm-up
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = await client.execs.run(id, ['true']);
      out.push(performance.now() - t0);
      if (r.exitCode !== 0) throw new Error(`exec exited ${r.exitCode}`);
    }
  };
  try {
    await client.containers.start(Id);
    await client.containers.start(open);
    await execs(Id, exec);
    await execs(open, execUnconfined);
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const c = await client.containers.create({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
      const a = await client.containers.attach(c.Id);
      const w = await client.containers.waitHandle(c.Id, { condition: 'next-exit' });
      await client.containers.start(c.Id);
      const status = await w.result;
      a.close();
      await client.containers.remove(c.Id);
      run.push(performance.now() - t0);
      if (status.StatusCode !== 0) throw new Error(`run exited ${status.StatusCode}`);
    }
  } finally {
    await client.containers.remove(Id, { force: true }).catch(() => {});
    await client.containers.remove(open, { force: true }).catch(() => {});
    client.close();
  }
  return { exec, execUnconfined, run };
}
