/**
 * Hardening flags through the real docker CLI, each seen from inside the container: Docker's
 * capability set and seccomp filter by default, --cap-add/--cap-drop, --privileged,
 * no-new-privileges, seccomp=unconfined and a custom profile, --read-only, resource limits in
 * the container's own cgroup files, ulimits, oom score, sysctls, devices, shm size, extra
 * groups, the host's UTS namespace — and a 400 naming any setting moorage does not apply.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { cliAtLeast, startDaemon, type TestDaemon } from '../helpers/daemon.ts';

/** Docker's default capabilities as a CapEff mask. */
const DOCKER_DEFAULT_CAPEFF = '00000000a80425fb';

describe('hardening flags', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  /** Runs `sh -c script` in a fresh container with `flags`; resolves its output. */
  const inside = async (flags: string[], script: string) => {
    const r = await d.docker(['run', '--rm', ...flags, 'busybox', 'sh', '-c', script]);
    assert.equal(r.code, 0, `${flags.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const status = (field: string) => `grep '^${field}:' /proc/self/status | cut -f2`;
  const create = (body: unknown) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request({ socketPath: d.socket, method: 'POST', path: '/v1.41/containers/create', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });

  test('by default: Docker\'s capabilities, its seccomp filter (no user namespace mounts), new privileges allowed', async () => {
    const out = await inside([], `${status('CapEff')}; ${status('Seccomp')}; ${status('NoNewPrivs')}; unshare -U -r -m sh -c 'mount -t tmpfs none /tmp' 2>&1; echo rc=$?`);
    const [capEff, seccomp, nnp] = out.split('\n');
    assert.equal(capEff, DOCKER_DEFAULT_CAPEFF);
    assert.equal(seccomp, '2');
    assert.equal(nnp, '0');
    assert.match(out, /Operation not permitted\nrc=1/);
  });

  test('--cap-drop ALL, --cap-add, no-new-privileges, seccomp=unconfined and a custom profile', async () => {
    assert.equal((await inside(['--cap-drop', 'ALL'], status('CapEff'))).trim(), '0000000000000000');
    const admin = BigInt(`0x${(await inside(['--cap-add', 'SYS_ADMIN', '--cap-drop', 'NET_RAW'], status('CapEff'))).trim()}`);
    assert.equal((admin >> 21n) & 1n, 1n, 'CAP_SYS_ADMIN added');
    assert.equal((admin >> 13n) & 1n, 0n, 'CAP_NET_RAW dropped');
    assert.equal((await inside(['--security-opt', 'no-new-privileges'], status('NoNewPrivs'))).trim(), '1');
    assert.equal((await inside(['--security-opt', 'seccomp=unconfined'], status('Seccomp'))).trim(), '0');
    const dir = await mkdtemp(join(tmpdir(), 'moorage-seccomp-'));
    try {
      const profile = join(dir, 'profile.json');
      await writeFile(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }));
      assert.match(await inside(['--security-opt', `seccomp=${profile}`], 'mkdir /tmp/x 2>&1; echo rc=$?'), /Operation not permitted\nrc=1/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const bad = await d.docker(['run', '--rm', '--cap-add', 'NOT_A_CAP', 'busybox', 'true']);
    assert.match(bad.stderr, /unknown capability: "CAP_NOT_A_CAP"/);
  });

  test('--privileged: every capability the engine holds, no filter, the host\'s devices, writable /sys', async () => {
    const out = await inside(['--privileged'], `${status('CapEff')}; ${status('Seccomp')}; ls /dev | wc -l; touch /sys/fs/cgroup/x 2>/dev/null; grep ' /sys ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1`);
    const [capEff, seccomp, devices, sys] = out.trim().split('\n');
    const engine = (await import('node:fs')).readFileSync('/proc/self/status', 'utf8').match(/^CapBnd:\s*(\S+)/m)![1];
    assert.equal(capEff, engine);
    assert.equal(seccomp, '0');
    assert.ok(Number(devices) > 20, `host devices: ${devices}`);
    assert.equal(sys, 'rw');
  });

  test('--read-only, limits in the container\'s cgroup, ulimits, oom score, sysctls, devices, shm, groups, --uts host', async () => {
    assert.match(await inside(['--read-only'], 'touch /x 2>&1; echo rc=$?'), /Read-only file system\nrc=1/);
    const limits = await inside(['-m', '32m', '--pids-limit', '20', '--cpus', '0.5'],
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us');
    assert.deepEqual(limits.trim().split('\n'), [String(32 * 1024 * 1024), '20', '50000']);
    const misc = await inside(['--ulimit', 'nofile=100:200', '--oom-score-adj', '300', '--sysctl', 'kernel.shmmax=100000', '--shm-size', '2m',
      '--device', '/dev/null:/dev/mynull', '--group-add', 'daemon', '--group-add', '4321'],
    'ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj /proc/sys/kernel/shmmax; df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2; echo hi > /dev/mynull && echo null-ok; id -G');
    assert.deepEqual(misc.trim().split('\n'), ['100', '200', '300', '100000', '2048', 'null-ok', '0 1 4321']);
    assert.equal((await inside(['--uts', 'host'], 'hostname')).trim(), hostname());
  });

  test('inspect shows the settings as given', async () => {
    // (The docker CLI sends capability names as typed before 23 and with their CAP_ prefix since.)
    const id = (await d.docker(['create', '--cap-drop', 'ALL', '--cap-add', 'CHOWN', '--read-only', '--security-opt', 'no-new-privileges',
      '--ulimit', 'nofile=10:20', '-m', '32m', '--pids-limit', '9', 'busybox'])).stdout.trim();
    try {
      const hc = JSON.parse((await d.docker(['inspect', '-f', '{{json .HostConfig}}', id])).stdout);
      assert.deepEqual([hc.CapDrop, hc.CapAdd, hc.ReadonlyRootfs, hc.SecurityOpt, hc.Memory, hc.PidsLimit],
        [['ALL'], [await cliAtLeast('1.42') ? 'CAP_CHOWN' : 'CHOWN'], true, ['no-new-privileges'], 32 * 1024 * 1024, 9]);
      assert.deepEqual(hc.Ulimits, [{ Name: 'nofile', Soft: 10, Hard: 20 }]);
    } finally {
      await d.docker(['rm', id]);
    }
  });

  test('a setting moorage does not apply is a 400 that names it, and nothing is created', async () => {
    const before = (await d.docker(['ps', '-aq'])).stdout;
    const log = await d.docker(['run', '--rm', '--log-opt', 'max-size=1m', 'busybox', 'true']);
    assert.match(log.stderr, /HostConfig\.LogConfig is not supported by moorage/);
    const cgroupns = await d.docker(['run', '--rm', '--cgroupns', 'private', 'busybox', 'true']);
    assert.match(cgroupns.stderr, /HostConfig\.CgroupnsMode is not supported/);
    for (const [hostConfig, message] of [
      [{ Foo: 1 }, /HostConfig\.Foo is not supported/],
      [{ Sysctls: { 'vm.swappiness': '1' } }, /sysctl 'vm.swappiness' is not allowed/],
      [{ OomScoreAdj: 2000 }, /range for oom score adj is \[-1000, 1000\]/],
      [{ Ulimits: [{ Name: 'nofile', Soft: 20, Hard: 10 }] }, /soft limit must be less than or equal to hard limit/],
      [{ SecurityOpt: ['apparmor=docker-default'] }, /not supported by moorage/],
      [{ Devices: [{ PathOnHost: '/etc/passwd', PathInContainer: '/dev/x', CgroupPermissions: 'rwm' }] }, /not a device node/],
      [{ MemorySwappiness: 200 }, /valid memory swappiness range is 0-100/],
      [{ CapAdd: 'SYS_ADMIN' }, /HostConfig\.CapAdd: expected array/], // the request's schema names the field
      ['x', /invalid HostConfig: expected object/],
    ] as [unknown, RegExp][]) {
      const r = await create({ Image: 'busybox', HostConfig: hostConfig });
      assert.equal(r.status, 400, `${JSON.stringify(hostConfig)}: ${r.body}`);
      assert.match(r.body, message);
    }
    // Defaults the CLI and compose send ask for nothing and pass.
    const ok = await create({ Image: 'busybox', HostConfig: { LogConfig: { Type: 'json-file', Config: {} }, MemorySwappiness: -1, Isolation: '', CgroupnsMode: '', KernelMemory: 0, BlkioWeightDevice: [], Links: null } });
    assert.equal(ok.status, 201, ok.body);
    await d.docker(['rm', JSON.parse(ok.body).Id]);
    assert.equal((await d.docker(['ps', '-aq'])).stdout, before);
  });
});
