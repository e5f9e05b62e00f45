/**
 * Crash safety: rounds of concurrent lifecycle operations (create, start, stop, kill, rm,
 * run --rm, restart, pause) on a handful of containers, each round ended by a SIGKILL of the
 * daemon at a random moment — aimed in turn inside a start, a create, a removal and a restart —
 * and a restart on the same roots. After every restart: no container is lost unless its removal
 * was asked for, none whose removal was acknowledged comes back, every status is true to the
 * runtime, none is stuck restarting, and nothing is left over (directory, overlay mount,
 * cgroup, conmon, runtime state, process).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { call } from '../helpers/api.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { reported, scrub, settledTruth, truthProblems, type DaemonRoots } from '../helpers/host-truth.ts';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20);
const NAMES = ['crash-a', 'crash-b', 'crash-c', 'crash-d', 'crash-e', 'crash-f'];
/** Where each round aims its SIGKILL: right after it sends an operation of this kind. */
const AIMS = ['start', 'create', 'rm', 'restart', 'any'] as const;
/** Concurrent clients per round: the machine has two cores shared with other test runs. */
const WORKERS = 3;
const v = '/v1.45';

/** What the client may conclude about a name's container from the answers it got. */
type Expect = 'present' | 'absent' | 'either';

/**
 * Daemons on one pair of roots of their own, each started after the last one crashed; in the
 * suite's `after`, whatever they left is scrubbed, even when the test failed.
 */
function crashableDaemons(prefix: string): { next(): Promise<TestDaemon>; roots(): DaemonRoots } {
  let base: string | undefined;
  let roots: DaemonRoots | undefined;
  const daemons: TestDaemon[] = [];
  after(async () => {
    for (const d of daemons) await d.crash().catch(() => {});
    if (roots) await scrub(roots);
    for (const d of daemons.reverse()) await d.stop().catch(() => {}); // their socket directories and the slot
    if (base) await rm(base, { recursive: true, force: true });
  });
  return {
    /** A daemon on the roots: the first on fresh ones, the next ones on the same bridge slot. */
    async next() {
      base ??= await mkdtemp(join(tmpdir(), prefix));
      const dirs = { dataRoot: join(base, 'data'), execRoot: join(base, 'exec') };
      const d = await startDaemon({ ...dirs, slot: daemons[0]?.slot });
      daemons.push(d);
      roots ??= { ...dirs, cgroupParent: d.cgroupParent };
      return d;
    },
    roots: () => roots!,
  };
}

describe('crashes at random moments', () => {
  const daemons = crashableDaemons('moorage-crash-');

  test(`${ROUNDS} rounds of concurrent operations, each ended by a SIGKILL of the daemon`, async (t) => {
    let d = await daemons.next();
    const roots = daemons.roots();
    const expect = new Map<string, Expect>(NAMES.map((n) => [n, 'absent']));
    /** Names whose container is a `run --rm` one: it may go by itself at any time. */
    const selfRemoving = new Set<string>();
    const counts = new Map<string, number>();
    const count = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
    const t0 = Date.now();

    for (let round = 0; round < ROUNDS; round++) {
      const aim = AIMS[round % AIMS.length]!;
      const socket = d.socket;
      let crashed = false;
      let crashAt: NodeJS.Timeout | undefined;
      const crash = () => {
        if (crashed) return;
        crashed = true;
        clearTimeout(crashAt);
        process.kill(d.pid, 'SIGKILL');
      };
      // The SIGKILL lands 0–90 ms after the aimed operation is sent, or at a random moment.
      const arm = (kind: string) => {
        if (crashed || crashAt || (aim !== 'any' && kind !== aim)) return;
        crashAt = setTimeout(crash, Math.random() * 90);
      };
      const busy = new Set<string>();
      if (aim === 'any') crashAt = setTimeout(crash, 50 + Math.random() * 600);
      const fallback = setTimeout(crash, 2_500); // the aimed operation never came up

      /** One request: its status, or null when the daemon died before answering. */
      const send = async (kind: string, method: string, path: string, body?: unknown) => {
        arm(kind);
        try {
          const r = await call(socket, method, path, body);
          count(`${kind} ${r.status}`);
          return r.status;
        } catch {
          count(`${kind} cut`);
          return null;
        }
      };
      const worker = async () => {
        while (!crashed) {
          const name = NAMES[Math.floor(Math.random() * NAMES.length)]!;
          const op = pick(['create', 'create', 'start', 'start', 'stop', 'kill', 'rm', 'runrm', 'restart', 'pause', 'unpause']);
          await perform(op, name);
        }
      };
      const perform = async (op: string, name: string) => {
        switch (op) {
          // What creates or removes a container runs one at a time per name, so the answers
          // tell what exists: a create's 201 (present) or failure (absent: all or nothing), a
          // removal's 204 (absent); a cut answer, a conflict or run --rm leave it open.
          case 'create': {
            if (expect.get(name) !== 'absent' || busy.has(name)) return;
            busy.add(name);
            expect.set(name, 'either');
            const status = await send('create', 'POST', `${v}/containers/create?name=${name}`, containerBody(false));
            if (status === 201) expect.set(name, 'present');
            else if (status !== null && status !== 409) expect.set(name, 'absent');
            busy.delete(name);
            return;
          }
          case 'runrm': {
            if (expect.get(name) !== 'absent' || busy.has(name)) return;
            busy.add(name);
            expect.set(name, 'either'); // removed by itself once it exits
            selfRemoving.add(name);
            if ((await send('create', 'POST', `${v}/containers/create?name=${name}`, containerBody(true))) === 201) {
              await send('start', 'POST', `${v}/containers/${name}/start`);
            }
            busy.delete(name);
            return;
          }
          case 'rm': {
            if (expect.get(name) === 'absent' || busy.has(name)) return;
            busy.add(name);
            expect.set(name, 'either');
            const status = await send('rm', 'DELETE', `${v}/containers/${name}?force=1`);
            if (status === 204 || status === 404) expect.set(name, 'absent');
            busy.delete(name);
            return;
          }
          case 'start': return void await send('start', 'POST', `${v}/containers/${name}/start`);
          case 'stop': return void await send('stop', 'POST', `${v}/containers/${name}/stop?t=1`);
          case 'kill': return void await send('kill', 'POST', `${v}/containers/${name}/kill`);
          case 'restart': return void await send('restart', 'POST', `${v}/containers/${name}/restart?t=1`);
          case 'pause': return void await send('pause', 'POST', `${v}/containers/${name}/pause`);
          case 'unpause': return void await send('unpause', 'POST', `${v}/containers/${name}/unpause`);
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, worker));
      clearTimeout(fallback);
      await d.crash();

      d = await daemons.next();
      const problems = await settledTruth(d, roots, 10_000);
      assert.deepEqual(problems, [], `round ${round} (crash aimed at ${aim}):\n${d.output().slice(-4000)}`);
      const present = new Set((await reported(d)).map((c) => c.name));
      for (const name of NAMES) {
        const e = expect.get(name)!;
        if (e === 'present') assert.ok(present.has(name), `round ${round}: ${name} was created, never removed, and is gone`);
        if (e === 'absent') assert.ok(!present.has(name), `round ${round}: ${name} was removed and is back`);
        if (!present.has(name)) selfRemoving.delete(name);
        expect.set(name, !present.has(name) ? 'absent' : selfRemoving.has(name) ? 'either' : 'present');
      }
      for (const m of d.output().matchAll(/"msg":"(a start cut short[^"]*|finishing a removal[^"]*|removed what an interrupted[^"]*|container lost its monitor[^"]*)"/g)) count(`boot: ${m[1]}`);
    }

    // A clean end: everything removed through the daemon leaves nothing behind.
    const left = (await reported(d)).map((c) => c.id);
    if (left.length) assert.equal((await d.docker(['rm', '-f', ...left])).code, 0);
    await d.stopDaemonOnly();
    assert.deepEqual(await truthProblems(roots, []), []);
    t.diagnostic(`${ROUNDS} rounds in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t.diagnostic([...counts].sort().map(([k, n]) => `${k}: ${n}`).join(', '));
  });
});

describe('crashes inside a start', () => {
  const daemons = crashableDaemons('moorage-crash-start-');

  test('a SIGKILL at any moment of the runtime\'s part of a start leaves a status true to the runtime and a working stop', async (t) => {
    let d = await daemons.next();
    const roots = daemons.roots();
    const runcRoot = join(roots.execRoot, 'runc');
    await mkdir(runcRoot, { recursive: true });
    /** Resolves `delay` ms after runc begins to create container `id`'s task. */
    const runtimeBegins = (id: string, delay: number) => {
      const watcher = watch(runcRoot);
      return new Promise<number>((resolve) => watcher.on('change', (_e, f) => {
        if (String(f) !== id) return;
        watcher.close();
        const at = performance.now();
        setTimeout(() => resolve(at), delay);
      }));
    };
    // How long, on this machine now, a start takes from the runtime's first step to its answer:
    // the crashes are aimed closest together in the last part of that, where the task is being
    // recorded, started and recorded running.
    const spans: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call(d.socket, 'POST', `${v}/containers/create?name=warm-${i}`, containerBody(false));
      const id = (JSON.parse(r.body) as { Id: string }).Id;
      const begun = runtimeBegins(id, 0);
      await call(d.socket, 'POST', `${v}/containers/${id}/start`);
      spans.push(performance.now() - await begun);
      await call(d.socket, 'DELETE', `${v}/containers/${id}?force=1`);
    }
    const span = Math.round(spans.sort((a, b) => a - b)[1]!);
    const delays = [0, span / 3, ...Array.from({ length: 8 }, (_, k) => span - 18 + 3 * k), span + 30].map((x) => Math.max(0, Math.round(x)));
    const outcomes: string[] = [`a start takes ${span} ms from the runtime's first step`];
    // Then the SIGKILL as soon as the start's first checkpoint (the task's record, written
    // before the task runs) lands: the state on disk then says `created`. With a terminal size
    // to set (an stty between the record and the run) the task may still be only created.
    for (const [i, delay] of [...delays, -1, -1, -1, -1, -1, -1].entries()) {
      const tty = delay < 0 && i % 2 === 0 ? { Tty: true, HostConfig: { NetworkMode: 'none', ConsoleSize: [24, 80] } } : {};
      const created = await call(d.socket, 'POST', `${v}/containers/create?name=start-${i}`, { ...containerBody(false), ...tty });
      assert.equal(created.status, 201, created.body);
      const id = (JSON.parse(created.body) as { Id: string }).Id;
      // The SIGKILL comes `delay` ms after runc begins to create the task: from inside conmon's
      // create, through the record of the task, to the state written after the start.
      const crashed = (delay >= 0 ? runtimeBegins(id, delay) : checkpointed(join(roots.dataRoot, 'containers', id))).then(() => process.kill(d.pid, 'SIGKILL'));
      const answer = call(d.socket, 'POST', `${v}/containers/${id}/start`).then((r) => String(r.status), () => 'cut');
      await crashed;
      outcomes.push(`${delay >= 0 ? `${delay} ms` : 'recorded'}: start ${await answer}`);
      await d.crash();
      d = await daemons.next();
      const problems = await settledTruth(d, roots, 10_000);
      assert.deepEqual(problems, [], `a crash ${delay} ms into the start:\n${d.output().slice(-3000)}`);
      const status = (await reported(d)).find((c) => c.id === id)?.status;
      const boot = [...d.output().matchAll(/"msg":"a start cut short by the crash (left a created task|left a task the container has no record|had run its process)/g)].map((m) => m[1]);
      outcomes[outcomes.length - 1] += `, then ${status}${boot.length ? ` (${boot.join(', ')})` : ''}`;
      // What the engine says is what a stop acts on: a running container stops (204), a
      // stopped one answers 304, and either way nothing runs afterwards.
      const stop = await call(d.socket, 'POST', `${v}/containers/${id}/stop?t=1`);
      assert.equal(stop.status, status === 'running' ? 204 : 304, `stop of a ${status} container: ${stop.body}`);
      assert.deepEqual(await settledTruth(d, roots, 10_000), []);
      assert.notEqual((await reported(d)).find((c) => c.id === id)?.status, 'running');
    }
    t.diagnostic(outcomes.join('; '));
  });
});

/** Resolves when a new checkpoint of the container in `dir` lands (its rename into place). */
function checkpointed(dir: string): Promise<void> {
  const watcher = watch(dir);
  return new Promise((resolve) => watcher.on('change', (event, f) => {
    if (event !== 'rename' || String(f) !== 'config.v2.json') return;
    watcher.close();
    resolve();
  }));
}

/** The body of a create: a container that exits at once on SIGTERM; `autoRemove` makes a short-lived `run --rm`. */
function containerBody(autoRemove: boolean): Record<string, unknown> {
  const init = Math.random() < 0.5;
  return autoRemove
    ? { Image: 'busybox', Cmd: ['sleep', '0.3'], HostConfig: { NetworkMode: 'none', AutoRemove: true, Init: init } }
    : {
      Image: 'busybox', Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 1000 & wait'],
      HostConfig: { NetworkMode: 'none', Init: init, RestartPolicy: { Name: pick(['no', 'no', 'unless-stopped', 'always']) } },
    };
}

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)]!;
}
