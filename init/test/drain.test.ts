// Drain mode, moorage's addition: a stop signal reaches every process of the
// namespace, and the init outlives them so the kernel never SIGKILLs one that
// is still cleaning up.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { INIT, Procs, build, children, descendants, sleep, stat, waitFor, type Proc } from './helpers.ts';

before(build);

const LINE = /^(\d{19}) (signal \d+ all|sigkill all|forward \d+ -?\d+|(reaped|main) \d+ (exited|signaled) \d+)$/;

function readReport(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'the report ends with a newline');
  for (const l of lines) assert.match(l, LINE);
  const stamps = lines.map((l) => BigInt(l.split(' ')[0]!));
  for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i]! >= stamps[i - 1]!, 'timestamps do not go back');
  const now = (BigInt(Date.now()) + 1n) * 1_000_000n; // Date.now() truncates to the ms
  assert.ok(stamps.every((s) => s <= now && now - s < 60_000_000_000n), 'timestamps are CLOCK_REALTIME ns');
  return lines.map((l) => l.slice(20));
}

const stampOf = (lines: string[], raw: string[], what: string): bigint => {
  const i = lines.indexOf(what);
  assert.ok(i >= 0, `report has "${what}": ${lines.join(' | ')}`);
  return BigInt(raw[i]!.split(' ')[0]!);
};

/**
 * A container-like set-up: the main `sh` runs `main`, after starting a
 * background `sh` running `bg` in its own session, like a daemon.  `setsid -f`
 * rather than `&`: sh starts `&` jobs with INT and QUIT ignored.
 */
function scripts(procs: Procs, main: string, bg: string): string {
  const bgPath = procs.file('bg.sh', `${bg}\ntouch ${procs.file('bg-ready')}\nwhile :; do sleep 0.1; done\n`);
  return procs.file('main.sh',
    `setsid -f sh ${bgPath}\n` +
    `while [ ! -e ${procs.file('bg-ready')} ]; do sleep 0.02; done\n` +
    `${main}\n`);
}

function startInit(procs: Procs, pid1: boolean, args: string[], env?: Record<string, string>): Proc {
  return pid1 ? procs.start('unshare', ['--pid', '--fork', '--mount-proc', INIT, ...args], { env })
    : procs.start(INIT, ['-s', ...args], { env });
}

async function initPid(p: Proc, pid1: boolean): Promise<number> {
  return pid1 ? p.unsharedChild() : p.pid;
}

describe('drain on a stop signal', { concurrency: true }, () => {
  for (const pid1 of [true, false]) {
    const where = pid1 ? 'as PID 1' : 'as subreaper';
    test(`${where}: TERM reaches a setsid'd process, which finishes its cleanup before the init exits with the main status`, async () => {
      const procs = new Procs();
      try {
        const done = procs.file('bg-done');
        const report = procs.file('report');
        const main = scripts(procs,
          `trap 'exit 3' TERM\ntouch ${procs.file('ready')}\nwhile :; do sleep 0.1; done`,
          `trap 'sleep 1; echo cleaned > ${done}; exit 0' TERM`);
        const p = startInit(procs, pid1, ['--report', report, '--', 'sh', main]);
        await waitFor('ready', () => procs.exists('ready'));
        const init = await initPid(p, pid1);
        procs.track(init);
        const t0 = Date.now();
        process.kill(init, 'SIGTERM');
        const r = await p.within(5000);
        assert.equal(r.code, 3, r.stderr);
        assert.equal(readFileSync(done, 'utf8'), 'cleaned\n', 'the background process finished its TERM handler');
        assert.ok(Date.now() - t0 >= 900, 'the init waited for the background process');
        const raw = readFileSync(report, 'utf8').trim().split('\n');
        const lines = readReport(report);
        assert.equal(lines[0], 'signal 15 all');
        assert.ok(lines.some((l) => /^main \d+ exited 3$/.test(l)), lines.join(' | '));
        if (pid1) {
          assert.ok(lines.includes('main 2 exited 3'), 'pids are the namespace\'s');
          assert.ok(lines.includes('reaped 2 exited 3'));
        }
        // The setsid'd sh is an orphan of the init: reaped by it, with its code.
        assert.ok(lines.some((l) => /^reaped \d+ exited 0$/.test(l)), lines.join(' | '));
        assert.ok(!lines.includes('sigkill all'));
        stampOf(lines, raw, 'signal 15 all');
      } finally {
        procs.cleanup();
      }
    });
  }

  test('--no-drain as PID 1: TERM reaches only the main child and the kernel kills the rest', async () => {
    const procs = new Procs();
    try {
      const main = scripts(procs,
        `trap 'exit 3' TERM\ntouch ${procs.file('ready')}\nwhile :; do sleep 0.1; done`,
        `trap 'echo got > ${procs.file('bg-got-term')}; exit 0' TERM`);
      const p = startInit(procs, true, ['--no-drain', '--', 'sh', main]);
      await waitFor('ready', () => procs.exists('ready'));
      const init = await p.unsharedChild();
      procs.track(init);
      process.kill(init, 'SIGTERM');
      const r = await p.within(5000);
      assert.equal(r.code, 3);
      await sleep(300);
      assert.equal(procs.exists('bg-got-term'), false);
    } finally {
      procs.cleanup();
    }
  });

  test('MOORAGE_INIT_DRAIN=0 behaves like --no-drain', async () => {
    const procs = new Procs();
    try {
      const main = scripts(procs,
        `trap 'exit 3' TERM\ntouch ${procs.file('ready')}\nwhile :; do sleep 0.1; done`,
        `trap 'echo got > ${procs.file('bg-got-term')}; exit 0' TERM`);
      const p = startInit(procs, true, ['--', 'sh', main], { MOORAGE_INIT_DRAIN: '0' });
      await waitFor('ready', () => procs.exists('ready'));
      const init = await p.unsharedChild();
      process.kill(init, 'SIGTERM');
      assert.equal((await p.within(5000)).code, 3);
      await sleep(300);
      assert.equal(procs.exists('bg-got-term'), false);
    } finally {
      procs.cleanup();
    }
  });

  test('a main child killed by the stop signal gives 128+n, after the others are gone', async () => {
    const procs = new Procs();
    try {
      // exec: a fork racing the one-time delivery would leave a child that never got SIGINT.
      const main = scripts(procs, `touch ${procs.file('ready')}\nexec sleep 30`,
        `trap 'sleep 0.5; echo cleaned > ${procs.file('bg-done')}; exit 0' INT`);
      const p = startInit(procs, true, ['--', 'sh', main]);
      await waitFor('ready', () => procs.exists('ready'));
      process.kill(await p.unsharedChild(), 'SIGINT');
      assert.equal((await p.within(5000)).code, 128 + 2);
      assert.equal(procs.exists('bg-done'), true);
    } finally {
      procs.cleanup();
    }
  });

  test('--stop-signal adds a stop signal; USR1 is otherwise only forwarded', async () => {
    const procs = new Procs();
    try {
      const main = scripts(procs, `trap 'exit 4' USR1\ntouch ${procs.file('ready')}\nwhile :; do sleep 0.1; done`,
        `trap 'echo got > ${procs.file('bg-got-usr1')}; exit 0' USR1`);
      const p = startInit(procs, true, ['--stop-signal', 'SIGUSR1', '--', 'sh', main]);
      await waitFor('ready', () => procs.exists('ready'));
      process.kill(await p.unsharedChild(), 'SIGUSR1');
      assert.equal((await p.within(5000)).code, 4);
      assert.equal(procs.exists('bg-got-usr1'), true);
    } finally {
      procs.cleanup();
    }
  });
});

describe('drain after the main child exits by itself', { concurrency: true }, () => {
  for (const pid1 of [true, false]) {
    const where = pid1 ? 'as PID 1' : 'as subreaper';
    test(`${where}: leftover processes get TERM and finish before the init exits with the main status`, async () => {
      const procs = new Procs();
      try {
        const report = procs.file('report');
        const main = scripts(procs, 'exit 7', `trap 'sleep 0.3; echo got > ${procs.file('bg-got-term')}; exit 0' TERM`);
        const p = startInit(procs, pid1, ['--report', report, '--', 'sh', main]);
        const r = await p.within(5000);
        assert.equal(r.code, 7, r.stderr);
        assert.equal(procs.exists('bg-got-term'), true);
        const lines = readReport(report);
        const mainAt = lines.findIndex((l) => /^main \d+ exited 7$/.test(l));
        assert.ok(mainAt >= 0 && lines[mainAt + 1] === 'signal 15 all', lines.join(' | '));
        assert.ok(!lines.includes('sigkill all'));
      } finally {
        procs.cleanup();
      }
    });

    test(`${where}: a TERM-ignoring leftover is SIGKILLed after --drain-timeout 1`, async () => {
      const procs = new Procs();
      try {
        const report = procs.file('report');
        const main = scripts(procs, 'exit 5', `trap '' TERM`);
        const p = startInit(procs, pid1, ['--drain-timeout', '1', '--report', report, '--', 'sh', main]);
        const r = await p.within(5000);
        assert.equal(r.code, 5, r.stderr);
        const raw = readFileSync(report, 'utf8').trim().split('\n');
        const lines = readReport(report);
        const mainLine = lines.find((l) => /^main \d+ exited 5$/.test(l))!;
        const waited = stampOf(lines, raw, 'sigkill all') - stampOf(lines, raw, mainLine);
        assert.ok(waited >= 1_000_000_000n && waited < 3_000_000_000n, `SIGKILL after ${waited} ns`);
        assert.ok(lines.some((l) => /^reaped \d+ signaled 9$/.test(l)), lines.join(' | '));
      } finally {
        procs.cleanup();
      }
    });
  }

  test('--drain-timeout 0 SIGKILLs leftovers at once; MOORAGE_INIT_DRAIN_TIMEOUT sets the limit', async () => {
    for (const [args, env] of [[['--drain-timeout', '0'], {}], [[], { MOORAGE_INIT_DRAIN_TIMEOUT: '0' }]] as const) {
      const procs = new Procs();
      try {
        const main = scripts(procs, 'exit 6', `trap '' TERM`);
        const r = await startInit(procs, true, [...args, '--', 'sh', main], env).within(5000);
        assert.equal(r.code, 6);
        assert.ok(r.ms < 1000, `took ${r.ms} ms`);
      } finally {
        procs.cleanup();
      }
    }
  });

  test('MOORAGE_INIT_STOP_SIGNAL is the signal leftovers get; MOORAGE_INIT_REPORT names the report', async () => {
    const procs = new Procs();
    try {
      const report = procs.file('report');
      const main = scripts(procs, 'exit 0', `trap 'echo got > ${procs.file('bg-got-hup')}; exit 0' HUP`);
      const r = await startInit(procs, true, ['--', 'sh', main],
        { MOORAGE_INIT_STOP_SIGNAL: 'HUP', MOORAGE_INIT_REPORT: report }).within(5000);
      assert.equal(r.code, 0);
      assert.equal(procs.exists('bg-got-hup'), true);
      assert.ok(readReport(report).includes('signal 1 all'));
    } finally {
      procs.cleanup();
    }
  });

  test('--no-drain as PID 1: the init exits at once and the kernel kills the leftovers', async () => {
    const procs = new Procs();
    try {
      const main = scripts(procs, 'exit 7', `trap 'echo got > ${procs.file('bg-got-term')}; exit 0' TERM`);
      const r = await startInit(procs, true, ['--no-drain', '--', 'sh', main]).within(5000);
      assert.equal(r.code, 7);
      await sleep(300);
      assert.equal(procs.exists('bg-got-term'), false);
    } finally {
      procs.cleanup();
    }
  });

  test('--no-drain as subreaper: leftovers keep running after the init exits', async () => {
    const procs = new Procs();
    try {
      const main = scripts(procs, `touch ${procs.file('ready')}\nsleep 0.3\nexit 7`, '');
      const p = startInit(procs, false, ['--no-drain', '--', 'sh', main]);
      await waitFor('ready', () => procs.exists('ready'));
      procs.track(p.pid);
      const main0 = children(p.pid)[0];
      const bg = descendants(p.pid).filter((d) => d !== main0 && stat(d)?.comm === 'sh');
      assert.equal((await p.within(5000)).code, 7);
      assert.ok(bg.length > 0 && bg.every((b) => (stat(b)?.state ?? 'Z') !== 'Z'), 'the background sh is still alive');
    } finally {
      procs.cleanup();
    }
  });
});
