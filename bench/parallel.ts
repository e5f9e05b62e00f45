/**
 * Parallel stops: ten containers stopped at once, against one stopped alone, over the API. A
 * stop that serialises behind the others (a shared queue, a blocked event loop) shows as a
 * ratio near 10; independent stops on two cores show a ratio near 1–3.
 * @module
 */
import type { TestDaemon } from '../test/helpers/daemon.ts';
import { call } from './api.ts';

const FAST_EXIT = ['sh', '-c', 'trap "exit 0" TERM; sleep 1000 & wait'];

/** Per round: eleven fresh containers; one is stopped alone, then the other ten at once. */
export async function parallelStops(d: TestDaemon, opts: { rounds: number; init: boolean }): Promise<{ one: number[]; ten: number[] }> {
  const v = '/v1.45';
  const make = async () => {
    const r = await call(d.socket, 'POST', `${v}/containers/create`, { Image: 'busybox', Cmd: FAST_EXIT, HostConfig: { Init: opts.init, NetworkMode: 'none' } });
    if (r.status !== 201) throw new Error(`create: ${r.status} ${r.body}`);
    const id = (JSON.parse(r.body) as { Id: string }).Id;
    const s = await call(d.socket, 'POST', `${v}/containers/${id}/start`);
    if (s.status !== 204) throw new Error(`start: ${s.status} ${s.body}`);
    return id;
  };
  const stop = async (id: string) => {
    const r = await call(d.socket, 'POST', `${v}/containers/${id}/stop?t=10`);
    if (r.status !== 204) throw new Error(`stop: ${r.status} ${r.body}`);
  };
  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const one: number[] = [];
  const ten: number[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const ids = await Promise.all(Array.from({ length: 11 }, make));
    await settle(500); // the shells reach `wait`; the starts' own work is over
    let t0 = performance.now();
    await stop(ids[0]!);
    one.push(performance.now() - t0);
    await settle(300);
    t0 = performance.now();
    await Promise.all(ids.slice(1).map(stop));
    ten.push(performance.now() - t0);
    await settle(300);
    await Promise.all(ids.map((id) => call(d.socket, 'DELETE', `${v}/containers/${id}?force=1`)));
  }
  return { one, ten };
}
