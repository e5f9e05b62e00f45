/**
 * The rest of the container API through the real docker CLI and dockerode: top (with ps
 * options), stats (one-shot, with a CPU rate, streamed, of a stopped and a removed container),
 * update (limits applied to the running container's cgroup, restart policy), rename, container
 * prune, system df and ps -s — with the bad input each refuses.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

describe('top, stats, update, rename, prune and df', () => {
  let d: TestDaemon;
  let docker: Docker;
  before(async () => {
    d = await startDaemon();
    docker = new Docker({ socketPath: d.socket });
  });
  after(async () => { await d?.stop(); });

  const runD = async (...args: string[]) => {
    const r = await d.docker(['run', '-d', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  /** A cgroup v1 controller file of the container (this kind of machine mounts v1 controllers). */
  const cgroupFile = (id: string, controller: string, file: string) => readFile(join('/sys/fs/cgroup', controller, d.cgroupParent, id, file), 'utf8').then((s) => s.trim());

  test('top lists the container\'s processes, exec\'d ones too, with ps options; a stopped one is a 409', async () => {
    const id = await runD('busybox', 'sh', '-c', 'sleep 1000 & wait');
    try {
      assert.equal((await d.docker(['exec', '-d', id, 'sleep', '999'])).code, 0);
      const r = await d.docker(['top', id]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.split('\n')[0]!, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
      assert.match(r.stdout, /sleep 1000/);
      assert.match(r.stdout, /sleep 999/);
      assert.doesNotMatch(r.stdout, /dockerd|moorage daemon/);
      const custom = await d.docker(['top', id, '-o', 'pid,comm']);
      assert.equal(custom.code, 0, custom.stderr);
      assert.match(custom.stdout, /^PID\s+COMMAND\n/);
      assert.equal(custom.stdout.trim().split('\n').filter((l) => /\ssleep$/.test(l)).length, 2);
      const bad = await d.docker(['top', id, '-o', 'user=PID']);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /not allowed/);
      await d.docker(['stop', '-t', '0', id]);
      const stopped = await d.docker(['top', id]);
      assert.notEqual(stopped.code, 0);
      assert.match(stopped.stderr, /is not running/);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('stats reads the container\'s cgroup: a busy loop shows CPU, its limit and pids', async () => {
    const id = await runD('--memory', '64m', '--pids-limit', '40', 'busybox', 'sh', '-c', 'while :; do :; done');
    try {
      const r = await d.docker(['stats', '--no-stream', '--format', '{{.CPUPerc}}|{{.MemUsage}}|{{.PIDs}}|{{.Name}}', id]);
      assert.equal(r.code, 0, r.stderr);
      const [cpu, mem, pids] = r.stdout.trim().split('|');
      assert.ok(parseFloat(cpu!) > 20, `a busy loop uses CPU: ${r.stdout}`);
      assert.match(mem!, /\/ 64MiB$/);
      assert.ok(Number(pids) >= 2, r.stdout);
      const c = docker.getContainer(id);
      const once = await c.stats({ stream: false, 'one-shot': true } as { stream: false });
      assert.equal(once.pids_stats?.limit, 40);
      assert.equal(once.memory_stats.limit, 64 * 1024 * 1024);
      assert.ok(once.cpu_stats.cpu_usage.total_usage > 0);
      assert.equal(once.precpu_stats.cpu_usage.total_usage, 0); // one-shot: no previous sample
      // The stream: one sample a second, each carrying the previous one's counters.
      const stream = await c.stats({ stream: true }) as unknown as NodeJS.ReadableStream & { destroy(): void };
      const samples: Docker.ContainerStats[] = [];
      let buf = '';
      await new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => {
          buf += chunk;
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            samples.push(JSON.parse(buf.slice(0, nl)));
            buf = buf.slice(nl + 1);
          }
          if (samples.length >= 3) resolve();
        });
      });
      stream.destroy();
      assert.equal(samples[2]!.precpu_stats.cpu_usage.total_usage, samples[1]!.cpu_stats.cpu_usage.total_usage);
      assert.ok(samples[2]!.cpu_stats.cpu_usage.total_usage > samples[1]!.cpu_stats.cpu_usage.total_usage);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('stats of a stopped container is an empty sample; of a removed one, a 404', async () => {
    const id = (await d.docker(['create', 'busybox', 'true'])).stdout.trim();
    const s = await docker.getContainer(id).stats({ stream: false });
    assert.equal(s.read, '0001-01-01T00:00:00Z');
    assert.equal(s.cpu_stats.cpu_usage.total_usage, 0);
    await d.docker(['rm', id]);
    await assert.rejects(docker.getContainer(id).stats({ stream: false }), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  test('update changes a running container\'s cgroup limits and its restart policy, and keeps them', async () => {
    const id = await runD('--memory', '64m', 'busybox', 'sleep', '1000');
    try {
      assert.equal(await cgroupFile(id, 'memory', 'memory.limit_in_bytes'), String(64 * 1024 * 1024));
      const r = await d.docker(['update', '--memory', '96m', '--memory-swap', '192m', '--cpus', '0.5', '--pids-limit', '30', '--restart', 'on-failure:3', id]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await cgroupFile(id, 'memory', 'memory.limit_in_bytes'), String(96 * 1024 * 1024));
      assert.equal(await cgroupFile(id, 'cpu', 'cpu.cfs_quota_us'), '50000');
      assert.equal(await cgroupFile(id, 'pids', 'pids.max'), '30');
      const hc = JSON.parse((await d.docker(['inspect', '-f', '{{json .HostConfig}}', id])).stdout);
      assert.deepEqual([hc.Memory, hc.MemorySwap, hc.NanoCpus, hc.PidsLimit, hc.RestartPolicy], [96 * 1024 * 1024, 192 * 1024 * 1024, 5e8, 30, { Name: 'on-failure', MaximumRetryCount: 3 }]);
      // Lifting the pids limit, and a restart keeping the memory limit.
      assert.equal((await d.docker(['update', '--pids-limit', '-1', id])).code, 0);
      assert.equal(await cgroupFile(id, 'pids', 'pids.max'), 'max');
      assert.equal((await d.docker(['restart', '-t', '0', id])).code, 0);
      assert.equal(await cgroupFile(id, 'memory', 'memory.limit_in_bytes'), String(96 * 1024 * 1024));
      // Docker's refusals, each a 400 that changes nothing.
      for (const [flags, message] of [
        [['--memory', '1m'], /Minimum memory limit allowed is 6MB/],
        [['--memory-swap', '10m'], /Minimum memoryswap limit should be larger than memory limit/],
        [['--cpus', '64'], /Range of CPUs is from 0.01 to/],
        [['--cpuset-cpus', '63'], /Requested CPUs are not available/],
        [['--cpu-quota', '5000'], /Nano CPUs and CPU Quota cannot both be set/],
      ] as [string[], RegExp][]) {
        const bad = await d.docker(['update', ...flags, id]);
        assert.notEqual(bad.code, 0, flags.join(' '));
        assert.match(bad.stderr, message);
      }
      assert.equal(await cgroupFile(id, 'memory', 'memory.limit_in_bytes'), String(96 * 1024 * 1024));
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('create refuses limits Docker refuses, and --rm with a restart policy cannot be updated', async () => {
    const tiny = await d.docker(['create', '--memory', '4m', 'busybox', 'true']);
    assert.notEqual(tiny.code, 0);
    assert.match(tiny.stderr, /Minimum memory limit allowed is 6MB/);
    const id = await runD('--rm', 'busybox', 'sleep', '1000');
    try {
      const r = await d.docker(['update', '--restart', 'always', id]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /AutoRemove is enabled/);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('rename frees the old name at once, refuses a taken or bad one, and is an event', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const a = await runD('--name', 'ren-a', 'busybox', 'sleep', '1000');
    const b = (await d.docker(['create', '--name', 'ren-b', 'busybox', 'true'])).stdout.trim();
    try {
      assert.equal((await d.docker(['rename', 'ren-a', 'ren-c'])).code, 0);
      assert.equal((await d.docker(['inspect', '-f', '{{.Name}}', a])).stdout.trim(), '/ren-c');
      assert.equal((await d.docker(['create', '--name', 'ren-a', 'busybox', 'true'])).code, 0);
      const taken = await d.docker(['rename', 'ren-c', 'ren-b']);
      assert.notEqual(taken.code, 0);
      assert.match(taken.stderr, /is already in use by container/);
      const bad = await d.docker(['rename', 'ren-c', 'no/slash']);
      assert.match(bad.stderr, /Invalid container name/);
      const events = await d.docker(['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000) + 1),
        '--filter', 'event=rename', '--format', '{{.Actor.Attributes.oldName}} {{.Actor.Attributes.name}}']);
      assert.equal(events.stdout.trim(), '/ren-a ren-c');
    } finally {
      await d.docker(['rm', '-f', a, b, 'ren-a']);
    }
  });

  test('container prune removes stopped containers by label and age and says what it reclaimed; system df and ps -s count bytes', async () => {
    const keep = await runD('--name', 'prune-running', 'busybox', 'sleep', '1000');
    const labelled = await runD('-l', 'keep=1', 'busybox', 'true');
    const gone = await runD('busybox', 'sh', '-c', 'head -c 5000 /dev/zero > /blob');
    try {
      await d.docker(['wait', labelled, gone]);
      const ps = await d.docker(['ps', '-as', '--filter', `id=${gone}`, '--format', '{{.Size}}']);
      assert.match(ps.stdout, /^5kB \(virtual /);
      const df = await d.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}} {{.Active}}']);
      assert.equal(df.code, 0, df.stderr);
      assert.match(df.stdout, /^Containers 3 1$/m);
      const none = await d.docker(['container', 'prune', '-f', '--filter', 'until=1h']);
      assert.equal(none.code, 0, none.stderr);
      assert.match(none.stdout, /Total reclaimed space: 0B/);
      const r = await d.docker(['container', 'prune', '-f', '--filter', 'label!=keep']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(gone));
      assert.doesNotMatch(r.stdout, new RegExp(`${labelled}|${keep}`));
      assert.match(r.stdout, /Total reclaimed space: 5kB/);
      const left = (await d.docker(['ps', '-aq', '--no-trunc'])).stdout.trim().split('\n').sort();
      assert.deepEqual(left, [keep, labelled].sort());
      const bad = await d.docker(['container', 'prune', '-f', '--filter', 'bogus=1']);
      assert.notEqual(bad.code, 0);
    } finally {
      await d.docker(['rm', '-f', keep, labelled, gone]);
    }
  });
});
