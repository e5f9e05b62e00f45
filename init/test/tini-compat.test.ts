// tini's own checklist (init-and-stop-anchors.md §1.2), run against moorage-init.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import {
  INIT, SIGCONF_EXEC, SUBREAPER_EXEC, Procs, bit, build, children, descendants, sigBits, stat, waitFor, zombiesOf,
  type Result,
} from './helpers.ts';

const SIG = constants.signals;

before(build);

/** Runs the init to completion (bounded), cleaning up whatever it left. */
async function run(args: string[], opts: { env?: Record<string, string>; input?: string; cmd?: string } = {}): Promise<Result> {
  const procs = new Procs();
  try {
    return await procs.start(opts.cmd ?? INIT, opts.cmd ? [INIT, ...args] : args, opts).within(10_000);
  } finally {
    procs.cleanup();
  }
}

/** Runs `fn` over `items` with a few in flight at once. */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

describe('smoke', { concurrency: true }, () => {
  test('runs a program given without --', async () => assert.equal((await run(['true'])).code, 0));
  test('passes a failing status through', async () => assert.equal((await run(['false'])).code, 1));
  test('runs a program given after --', async () => assert.equal((await run(['--', 'true'])).code, 0));
  test('treats a second -- as the program name (127)', async () => assert.equal((await run(['--', '--', 'true'])).code, 127));
  test('prints usage and exits 1 without arguments', async () => {
    const r = await run([]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Usage:/);
  });
  test('exits 127 for a missing command', async () => {
    const r = await run(['/nonexistent/command']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /exec \/nonexistent\/command failed: No such file or directory/);
  });
  test('exits 126 for a non-executable file', async () => {
    const procs = new Procs();
    try {
      const file = procs.file('not-executable', '#!/bin/sh\nexit 0\n');
      chmodSync(file, 0o644);
      assert.equal((await run([file])).code, 126);
    } finally {
      procs.cleanup();
    }
  });
  test('passes stdin through to the child', async () => assert.equal((await run(['sh'], { input: 'exit 0\n' })).code, 0));
  test('--version prints a line containing "tini version"', async () => {
    const r = await run(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^moorage-init \S+ \(tini version 0\.19\.0 compatible\)\n$/);
  });
  test('-h prints usage with the strings tini tests look for', async () => {
    const r = await run(['-h']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /supervision of a valid init process/);
    assert.match(r.stdout, /more verbose/);
  });
  test('-l prints a licence', async () => {
    const r = await run(['-l']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /License/);
  });
  test('-p rejects a signal number', async () => {
    const r = await run(['-p', '9', '--', 'true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Not a valid option for -p: 9/);
  });
  test('-e rejects a code outside 0..255', async () => assert.equal((await run(['-e', '256', '--', 'true'])).code, 1));
  test('an unknown option prints usage and exits 1', async () => {
    const r = await run(['-Z', '--', 'true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Usage:/);
  });
  test('exits 128+n when the child is killed by signal n', async () =>
    assert.equal((await run(['-s', '--', 'sh', '-c', 'kill -KILL $$'])).code, 137));
  test('TINI_VERBOSITY=3 prints "Received SIGCHLD"', async () => {
    const r = await run(['--', 'true'], { env: { TINI_VERBOSITY: '3' } });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Received SIGCHLD/);
  });
  test('-vvv prints "Received SIGCHLD"; the default prints no info', async () => {
    assert.match((await run(['-vvv', '--', 'true'])).stdout, /Received SIGCHLD/);
    assert.equal((await run(['-s', '--', 'true'])).stdout, '');
  });
});

describe('exit codes', () => {
  const codes = Array.from({ length: 256 }, (_, n) => n);

  test('exits 0 for every code 0..255 remapped with -e, and with the code itself otherwise', async () => {
    const bad: string[] = [];
    await pool(codes, 4, async (n) => {
      const remapped = await run(['-s', '-e', String(n), '--', 'sh', '-c', `exit ${n}`]);
      if (remapped.code !== 0) bad.push(`-e ${n}: ${remapped.code}`);
      const plain = await run(['-s', '--', 'sh', '-c', `exit ${n}`]);
      if (plain.code !== n) bad.push(`plain ${n}: ${plain.code}`);
    });
    assert.deepEqual(bad, []);
  });

  test('exits N when the other 255 codes are remapped (POSIXLY_CORRECT=1, no --)', async () => {
    const bad: string[] = [];
    await pool(codes, 4, async (n) => {
      const others = codes.filter((c) => c !== n).flatMap((c) => ['-e', String(c)]);
      const r = await run(['-s', ...others, 'sh', '-c', `exit ${n}`], { env: { POSIXLY_CORRECT: '1' } });
      if (r.code !== n) bad.push(`${n}: ${r.code}`);
    });
    assert.deepEqual(bad, []);
  });
});

describe('reaping', { concurrency: true }, () => {
  // 100 double-forked `sleep 1` become orphans of the init; then the main
  // child lingers long enough for us to look for zombies.
  const script = (ready: string): string =>
    `for i in $(seq 100); do (sleep 1 &); done; touch ${ready}; sleep 2`;

  const variants: { name: string; args: string[]; env?: Record<string, string>; cmd?: string[] }[] = [
    { name: 'as PID 1', args: [], cmd: ['unshare', '--pid', '--fork', '--mount-proc'] },
    { name: 'as subreaper with -s', args: ['-s'] },
    { name: 'as subreaper with TINI_SUBREAPER=', args: [], env: { TINI_SUBREAPER: '' } },
    { name: 'as subreaper set up before exec', args: [], cmd: [SUBREAPER_EXEC] },
  ];
  for (const v of variants) {
    for (const warn of [false, true]) {
      test(`reaps 100 orphans ${v.name}${warn ? ' and warns for each with -w' : ' silently without -w'}`, async () => {
        const procs = new Procs();
        try {
          const ready = procs.file('ready');
          const args = [...(warn ? ['-w'] : []), ...v.args, '--', 'sh', '-c', script(ready)];
          const p = v.cmd ? procs.start(v.cmd[0]!, [...v.cmd.slice(1), INIT, ...args], { env: v.env })
            : procs.start(INIT, args, { env: v.env });
          await waitFor('ready', () => procs.exists('ready'));
          const init = v.cmd?.[0] === 'unshare' ? await p.unsharedChild() : p.pid;
          const main = children(init).find((c) => stat(c)?.comm === 'sh');
          assert.ok(main, 'the main child is running');
          assert.ok(children(init).length > 50, `orphans were re-parented to the init (${children(init).length} children)`);
          await waitFor('the orphans to be reaped', () => children(init).length === 1, 4000);
          assert.deepEqual(children(init), [main]);
          assert.deepEqual(zombiesOf(init), []);
          const r = await p.within(5000);
          assert.equal(r.code, 0);
          const reaped = r.stderr.match(/Reaped zombie process with pid=\d+/g) ?? [];
          assert.equal(reaped.length, warn ? 100 : 0);
          assert.doesNotMatch(r.stderr, /zombie reaping won't work/);
        } finally {
          procs.cleanup();
        }
      });
    }
  }
});

describe('signals', { concurrency: true }, () => {
  const cases = [['SIGTERM', 143], ['SIGUSR1', 138], ['SIGUSR2', 140]] as const;
  for (const pid1 of [true, false]) {
    for (const drain of [true, false]) {
      test(`passes TERM, USR1, USR2 to a child at SIG_DFL (${pid1 ? 'PID 1' : 'subreaper'}, ${drain ? 'drain' : '--no-drain'})`, async () => {
        await Promise.all(cases.map(async ([sig, expected]) => {
          const procs = new Procs();
          try {
            const args = [...(drain ? [] : ['--no-drain']), ...(pid1 ? [] : ['-s']), '--', 'sh', '-c', 'sleep 30; true'];
            const p = pid1 ? procs.start('unshare', ['--pid', '--fork', '--mount-proc', INIT, ...args]) : procs.start(INIT, args);
            const init = pid1 ? await p.unsharedChild() : p.pid;
            await waitFor('sleep to start', () => descendants(init).some((d) => stat(d)?.comm === 'sleep'));
            procs.track(init);
            process.kill(init, sig);
            const r = await p.within(5000);
            assert.equal(r.code, expected, `${sig}: ${r.stderr}`);
          } finally {
            procs.cleanup();
          }
        }));
      });
    }
  }

  for (const how of ['-g', 'TINI_KILL_PROCESS_GROUP']) {
    test(`${how} sends USR1 to the child's whole process group`, async () => {
      const procs = new Procs();
      try {
        // sh ignores USR1; its `sleep` started before the trap does not.
        const script = procs.file('main.sh', `sleep 1000 & s=$!; trap '' USR1; touch ${procs.file('ready')}; wait $s\n`);
        const p = how === '-g' ? procs.start(INIT, ['-s', '-g', '--', 'sh', script])
          : procs.start(INIT, ['-s', '--', 'sh', script], { env: { TINI_KILL_PROCESS_GROUP: '1' } });
        await waitFor('ready', () => procs.exists('ready'));
        procs.track(p.pid);
        process.kill(p.pid, 'SIGUSR1');
        const r = await p.within(10_000);
        assert.equal(r.code, 128 + SIG.SIGUSR1, 'sh saw its sleep die of USR1');
      } finally {
        procs.cleanup();
      }
    });
  }

  test('without -g, USR1 reaches only the child', async () => {
    const procs = new Procs();
    try {
      const script = procs.file('main.sh', `sleep 1000 & s=$!; trap '' USR1; touch ${procs.file('ready')}; wait $s\n`);
      const p = procs.start(INIT, ['-s', '--', 'sh', script]);
      await waitFor('ready', () => procs.exists('ready'));
      procs.track(p.pid);
      process.kill(p.pid, 'SIGUSR1');
      await assert.rejects(p.within(300), /still running/);
    } finally {
      procs.cleanup();
    }
  });

  test('forwards the parent-death signal given with -p SIGUSR1 to the child', async () => {
    const procs = new Procs();
    try {
      const ok = procs.file('ok');
      const ready = procs.file('ready');
      const child = procs.file('child.sh', `trap 'echo ok > ${ok}; exit 0' USR1; touch ${ready}; while :; do sleep 0.1; done\n`);
      // `; true` keeps sh from exec'ing the init, so sh is the parent we kill.
      const parent = procs.start('sh', ['-c', `"${INIT}" -vvv -p SIGUSR1 -- sh ${child}; true`]);
      await waitFor('ready', () => procs.exists('ready'));
      const init = children(parent.pid)[0]!;
      procs.track(init);
      process.kill(parent.pid, 'SIGKILL');
      await waitFor('the child to write ok', () => procs.exists('ok') && readFileSync(ok, 'utf8') === 'ok\n', 10_000);
      await waitFor('the init to exit', () => stat(init) === undefined || stat(init)?.state === 'Z', 5000);
    } finally {
      procs.cleanup();
    }
  });
});

describe('reaper check and signal state', { concurrency: true }, () => {
  test('warns "zombie reaping won\'t work" when neither PID 1 nor subreaper, and still runs the child', async () => {
    const r = await run(['--', 'sh', '-c', 'echo ran']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'ran\n');
    assert.match(r.stderr, /zombie reaping won't work/);
  });

  test('does not warn as a subreaper or as PID 1', async () => {
    for (const r of [
      await run(['-s', '--', 'true']),
      await run(['--', 'true'], { cmd: SUBREAPER_EXEC }),
      await run(['--', 'true'], { env: { TINI_SUBREAPER: '' } }),
    ]) {
      assert.equal(r.code, 0);
      assert.doesNotMatch(r.stderr, /zombie reaping/);
    }
    const procs = new Procs();
    try {
      const r = await procs.start('unshare', ['--pid', '--fork', '--mount-proc', INIT, '--', 'true']).within(5000);
      assert.equal(r.code, 0);
      assert.doesNotMatch(r.stderr, /zombie reaping/);
    } finally {
      procs.cleanup();
    }
  });

  test('gives the child the signal mask and ignored signals it inherited', async () => {
    const r = await run(['-s', '--', 'cat', '/proc/self/status'], { cmd: SIGCONF_EXEC });
    assert.equal(r.code, 0, r.stderr);
    const ign = sigBits(r.stdout, 'SigIgn');
    const blk = sigBits(r.stdout, 'SigBlk');
    for (const s of [SIG.SIGTTOU, SIG.SIGSEGV, SIG.SIGINT]) assert.ok(ign & bit(s), `signal ${s} ignored (SigIgn ${ign.toString(16)})`);
    for (const s of [SIG.SIGTTIN, SIG.SIGILL, SIG.SIGTERM]) assert.ok(blk & bit(s), `signal ${s} blocked (SigBlk ${blk.toString(16)})`);
    // The init ignores TTIN for itself; the child must get the caller's default back,
    // and none of the signals the init blocks for itself.
    assert.equal(ign & bit(SIG.SIGTTIN), 0n);
    assert.equal(blk & (bit(SIG.SIGUSR1) | bit(SIG.SIGCHLD) | bit(SIG.SIGHUP)), 0n);
  });

  test('puts the child in its own process group', async () => {
    const procs = new Procs();
    try {
      const p = procs.start(INIT, ['-s', '--', 'sh', '-c', `touch ${procs.file('ready')}; sleep 5; true`]);
      await waitFor('ready', () => procs.exists('ready'));
      const main = children(p.pid)[0]!;
      assert.equal(stat(main)?.pgid, main);
      assert.notEqual(stat(p.pid)?.pgid, main);
    } finally {
      procs.cleanup();
    }
  });
});
