/**
 * Soak: SOAK_OPS (default 1,200) random operations — create, start, stop, kill, restart, pause,
 * unpause, exec, logs, inspect, rm — over 20 containers, SOAK_WORKERS (default 4) at a time,
 * one operation per container at a time so that each answer has one right outcome. Checked as
 * it goes: every answer is one the operation may give in the container's state, and what
 * inspect says afterwards follows from it; every 100 operations and at the end, every status is
 * true to the runtime and nothing is left over (tests' host-truth checks). Prints ops/s, each
 * operation's median and slowest call, the slowest call of all, and the daemon's RSS and open
 * fds before and after. Exits 1 on any violation. Not part of `npm test`: `npm run soak`.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { globalAgent } from 'node:http';
import { call, median } from './api.ts';
import { startDaemon } from '../test/helpers/daemon.ts';
import { scrub, settledTruth, type DaemonRoots } from '../test/helpers/host-truth.ts';

const OPS = Number(process.env.SOAK_OPS ?? 1200);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 4);
const NAMES = Array.from({ length: 20 }, (_, i) => `soak-${String(i).padStart(2, '0')}`);
const OPERATIONS = ['create', 'start', 'stop', 'kill', 'restart', 'pause', 'unpause', 'exec', 'logs', 'inspect', 'rm'] as const;
type Op = (typeof OPERATIONS)[number];
type Status = 'absent' | 'created' | 'running' | 'paused' | 'exited';
const v = '/v1.45';

/** The answers an operation may give, by the state the container was in. */
const ALLOWED: Record<Op, Partial<Record<Status, number[]>>> = {
  create: { absent: [201], created: [409], running: [409], paused: [409], exited: [409] },
  start: { absent: [404], created: [204], running: [304], paused: [304], exited: [204] },
  stop: { absent: [404], created: [304], running: [204], paused: [204], exited: [304] },
  kill: { absent: [404], created: [409], running: [204], paused: [204], exited: [409] },
  restart: { absent: [404], created: [204], running: [204], paused: [204], exited: [204] },
  pause: { absent: [404], created: [409], running: [204], paused: [409], exited: [409] },
  unpause: { absent: [404], created: [500], running: [500], paused: [204], exited: [500] },
  exec: { absent: [404], created: [409], running: [200], paused: [409], exited: [409] },
  logs: { absent: [404], created: [200], running: [200], paused: [200], exited: [200] },
  inspect: { absent: [404], created: [200], running: [200], paused: [200], exited: [200] },
  rm: { absent: [404], created: [204], running: [204], paused: [204], exited: [204] },
};
/** The state a successful operation leaves (undefined: unchanged). */
const AFTER: Partial<Record<Op, Status>> = {
  create: 'created', start: 'running', stop: 'exited', kill: 'exited', restart: 'running', pause: 'paused', unpause: 'running', rm: 'absent',
};

const d = await startDaemon();
const roots: DaemonRoots = { dataRoot: d.dataRoot, execRoot: d.execRoot, cgroupParent: d.cgroupParent };
const violations: string[] = [];
const times = new Map<Op, number[]>(OPERATIONS.map((o) => [o, []]));
let slowest = { op: '', ms: 0 };
try {
  const before = await usage(d.pid);
  const state = new Map<string, Status>(NAMES.map((n) => [n, 'absent']));
  const busy = new Set<string>();
  /** Each container's last operations and answers, to tell what led to the slowest call. */
  const history = new Map<string, string[]>();
  let issued = 0;
  const t0 = performance.now();

  const perform = async (op: Op, name: string) => {
    const was = state.get(name)!;
    const t = performance.now();
    const status = await request(op, name);
    const ms = performance.now() - t;
    times.get(op)!.push(ms);
    const recent = history.get(name) ?? [];
    if (ms > slowest.ms) slowest = { op: `${op} of a ${was} container (after ${recent.join(', ') || 'nothing'})`, ms };
    history.set(name, [...recent, `${op} ${status}`].slice(-4));
    if (!ALLOWED[op][was]?.includes(status)) {
      violations.push(`${op} on a ${was} container ${name} answered ${status}`);
      state.set(name, await observed(name));
      return;
    }
    const next = status >= 200 && status < 300 ? AFTER[op] ?? was : was;
    const seen = await observed(name);
    if (seen !== next) violations.push(`${op} on a ${was} container ${name} answered ${status}, then inspect says ${seen}, not ${next}`);
    state.set(name, seen);
  };
  const worker = async (until: number) => {
    while (issued < until) {
      const free = NAMES.filter((n) => !busy.has(n));
      const name = free[Math.floor(Math.random() * free.length)]!;
      // Mostly what the container's state lets succeed, otherwise anything (its refusal is checked too).
      const fitting = OPERATIONS.filter((o) => AFTER[o] !== undefined || o === 'exec' || o === 'logs' || o === 'inspect')
        .filter((o) => ALLOWED[o][state.get(name)!]?.some((code) => code >= 200 && code < 300));
      const pool = Math.random() < 0.8 && fitting.length ? fitting : OPERATIONS;
      const op = pool[Math.floor(Math.random() * pool.length)]!;
      issued++;
      busy.add(name);
      await perform(op, name);
      busy.delete(name);
    }
  };
  // In batches of 100, with the host checked between them, when no operation is under way.
  let checking = 0;
  while (issued < OPS) {
    const until = Math.min(OPS, issued + 100);
    await Promise.all(Array.from({ length: WORKERS }, () => worker(until)));
    const c0 = performance.now();
    await truth(`after ${issued} operations`, 5_000);
    checking += performance.now() - c0;
  }
  const seconds = (performance.now() - t0 - checking) / 1000;
  for (const name of NAMES) if (state.get(name) !== 'absent') await call(d.socket, 'DELETE', `${v}/containers/${name}?force=1`);
  await truth('once all are removed', 10_000);
  globalAgent.destroy(); // our idle keep-alive connections are not the daemon's to count
  await new Promise((r) => setTimeout(r, 2_000)); // exits' teardowns and closed streams settle
  const afterUsage = await usage(d.pid);

  console.log(`moorage soak: ${issued} operations over ${NAMES.length} containers, ${WORKERS} at a time, in ${seconds.toFixed(1)} s (the host checks between batches apart): ${(issued / seconds).toFixed(1)} ops/s`);
  for (const [op, xs] of times) {
    if (xs.length) console.log(`  ${op.padEnd(8)} ${String(xs.length).padStart(5)} calls   median ${median(xs).toFixed(1).padStart(7)} ms   slowest ${Math.max(...xs).toFixed(1).padStart(8)} ms`);
  }
  console.log(`slowest call: ${slowest.op}, ${slowest.ms.toFixed(1)} ms`);
  const newFds = added(before.targets, afterUsage.targets);
  console.log(`daemon RSS ${before.rssMb.toFixed(1)} MB -> ${afterUsage.rssMb.toFixed(1)} MB; open fds ${before.fds} -> ${afterUsage.fds}${newFds.length ? ` (new: ${newFds.join(', ')})` : ''}`);
  console.log(violations.length ? `${violations.length} violations:\n  ${violations.slice(0, 20).join('\n  ')}` : 'no violations');
} finally {
  await d.crash(); // whatever is left is scrubbed, daemon or not
  await scrub(roots);
  await d.stop();
}
process.exitCode = violations.length ? 1 : 0;

/** Sends operation `op` for container `name`; resolves with the HTTP status (0: no answer). */
async function request(op: Op, name: string): Promise<number> {
  const c = `${v}/containers/${name}`;
  const r = await (async () => {
    switch (op) {
      case 'create': return call(d.socket, 'POST', `${v}/containers/create?name=${name}`, {
        Image: 'busybox', Cmd: ['sh', '-c', 'echo started; trap "exit 0" TERM; sleep 1000 & wait'], HostConfig: { NetworkMode: 'none' },
      });
      case 'start': return call(d.socket, 'POST', `${c}/start`);
      case 'stop': return call(d.socket, 'POST', `${c}/stop?t=2`);
      case 'kill': return call(d.socket, 'POST', `${c}/kill`);
      case 'restart': return call(d.socket, 'POST', `${c}/restart?t=2`);
      case 'pause': return call(d.socket, 'POST', `${c}/pause`);
      case 'unpause': return call(d.socket, 'POST', `${c}/unpause`);
      case 'logs': return call(d.socket, 'GET', `${c}/logs?stdout=1&stderr=1&tail=10`);
      case 'inspect': return call(d.socket, 'GET', `${c}/json`);
      case 'rm': return call(d.socket, 'DELETE', `${c}?force=1`);
      case 'exec': {
        const made = await call(d.socket, 'POST', `${c}/exec`, { Cmd: ['true'] });
        if (made.status !== 201) return made;
        const id = (JSON.parse(made.body) as { Id: string }).Id;
        return call(d.socket, 'POST', `${v}/exec/${id}/start`, { Detach: true });
      }
    }
  })().catch(() => ({ status: 0, body: '' }));
  return r.status;
}

/** What inspect says of the container now. */
async function observed(name: string): Promise<Status> {
  const r = await call(d.socket, 'GET', `${v}/containers/${name}/json`);
  if (r.status === 404) return 'absent';
  const s = (JSON.parse(r.body) as { State: { Status: string } }).State.Status;
  return s === 'running' || s === 'paused' || s === 'created' ? s : 'exited';
}

/** Records, as violations, every way the daemon's account differs from the host. */
async function truth(when: string, ms: number): Promise<void> {
  for (const p of await settledTruth(d, roots, ms)) violations.push(`${when}: ${p}`);
}

/** The daemon's resident memory (MB) and open file descriptors (what each is open on). */
async function usage(pid: number): Promise<{ rssMb: number; fds: number; targets: string[] }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const fds = await readdir(`/proc/${pid}/fd`);
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '?')));
  return { rssMb: Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024, fds: fds.length, targets: targets.map((t) => t.replace(/\d+/g, 'N')) };
}

/** What is in `after` more often than in `before`. */
function added(before: string[], after: string[]): string[] {
  const left = [...before];
  return after.filter((x) => {
    const i = left.indexOf(x);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}
