/**
 * Network benchmarks: create+start on the default bridge network (netavark: namespace, veth,
 * address, firewall rules) against `--network none`, and how long after `start` returns a
 * published port answers on 127.0.0.1.
 * @module
 */
import type { TestDaemon } from '../test/helpers/daemon.ts';
import { call } from './api.ts';

const V = '/v1.45';

/** Medians' inputs: create+start times per network mode, and port answer times. */
export interface NetworkBench {
  bridge: number[];
  none: number[];
  portAnswer: number[];
}

async function createStart(d: TestDaemon, hostConfig: Record<string, unknown>, cmd: string[]): Promise<{ id: string; ms: number }> {
  const t0 = performance.now();
  const c = await call(d.socket, 'POST', `${V}/containers/create`, { Image: 'busybox', Cmd: cmd, HostConfig: hostConfig });
  if (c.status !== 201) throw new Error(`create: ${c.status} ${c.body}`);
  const id = (JSON.parse(c.body) as { Id: string }).Id;
  const s = await call(d.socket, 'POST', `${V}/containers/${id}/start`);
  if (s.status !== 204) throw new Error(`start: ${s.status} ${s.body}`);
  return { id, ms: performance.now() - t0 };
}

/** Polls 127.0.0.1:port until it answers 200 (bounded); resolves the ms it took. */
async function answerMs(port: number, since: number, boundMs = 10_000): Promise<number> {
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      await r.text();
      if (r.status === 200) return performance.now() - since;
    } catch { /* not yet */ }
    if (performance.now() - since > boundMs) throw new Error(`port ${port} did not answer within ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Runs the network benchmarks `runs` times each. */
export async function networkBench(d: TestDaemon, runs: number): Promise<NetworkBench> {
  const out: NetworkBench = { bridge: [], none: [], portAnswer: [] };
  for (const [mode, list] of [['bridge', out.bridge], ['none', out.none]] as const) {
    for (let i = 0; i < runs; i++) {
      const { id, ms } = await createStart(d, { Init: false, NetworkMode: mode }, ['sleep', '1000']);
      list.push(ms);
      await call(d.socket, 'DELETE', `${V}/containers/${id}?force=1`);
    }
  }
  for (let i = 0; i < runs; i++) {
    const c = await call(d.socket, 'POST', `${V}/containers/create`, {
      Image: 'busybox', Cmd: ['sh', '-c', 'mkdir -p /w && echo ok > /w/index.html && exec httpd -f -p 80 -h /w'],
      HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    const id = (JSON.parse(c.body) as { Id: string }).Id;
    await call(d.socket, 'POST', `${V}/containers/${id}/start`);
    const started = performance.now();
    const ins = JSON.parse((await call(d.socket, 'GET', `${V}/containers/${id}/json`)).body) as { NetworkSettings: { Ports: Record<string, { HostPort: string }[]> } };
    out.portAnswer.push(await answerMs(Number(ins.NetworkSettings.Ports['80/tcp']![0]!.HostPort), started));
    await call(d.socket, 'DELETE', `${V}/containers/${id}?force=1`);
  }
  return out;
}
