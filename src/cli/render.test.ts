import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStopReport } from './commands/stop.ts';
import { formatDoctor } from './commands/doctor.ts';
import { formatEvent } from './commands/events.ts';
import { createRequest, startFailureExit } from './commands/run.ts';

test('a stop report shows each process, its signal and how it ended', () => {
  const text = formatStopReport({ signal: 'SIGTERM', timeout: 2, scope: 'all', escalated: true, exitCode: 137,
    startedAt: '2024-01-01T00:00:00.000Z', finishedAt: '2024-01-01T00:00:02.100Z', processes: [
      { pid: 100, nsPid: 1, command: 'sleep 1000', signal: 'SIGTERM', end: 'killed-at-deadline', killSignal: 'SIGKILL',
        endedAt: '2024-01-01T00:00:02.050Z' },
      { pid: 101, nsPid: 7, command: 'sh worker', signal: 'SIGTERM', end: 'exited', exitCode: 0 },
    ] });
  assert.match(text, /signal SIGTERM, to every process, timeout 2s, took 2\.10s, escalated to SIGKILL, exit code 137/);
  assert.match(text, /100\s+1\s+sleep 1000\s+SIGTERM\s+killed-at-deadline \(SIGKILL\) after 2\.05s/);
  assert.match(text, /101\s+7\s+sh worker\s+SIGTERM\s+exited \(0\)/);
  assert.ok(text.endsWith('exited (0)\n'), 'no indentation after the last line');
  assert.match(formatStopReport(null), /no stop report/);
});

test('a doctor report of any shape renders as text', () => {
  const text = formatDoctor({ container: 'web', prediction: 'SIGKILL after 10s',
    processes: [{ pid: 1, command: 'sleep', sigterm: 'default' }], advice: ['use --init'] });
  assert.match(text, /Container: web/);
  assert.match(text, /PID\s+COMMAND\s+SIGTERM/);
  assert.match(text, /- use --init/);
});

test('events print like docker with sorted attributes', () => {
  // timeNano goes through a JS number: nanoseconds are exact to about a microsecond
  assert.match(formatEvent({ Type: 'container', Action: 'die', Actor: { ID: 'abc', Attributes: { name: 'web', exitCode: '0' } },
    scope: 'local', time: 1700000000, timeNano: 1700000000123456789 }),
  /^2023-11-14T22:13:20\.123456\d{3}Z container die abc \(exitCode=0, name=web\)$/);
});

test('run flags become the create body', () => {
  const body = createRequest('busybox', ['sleep', '5'], { env: ['A=1', 'HOME'], volume: ['/a:/b'], label: ['x=y'],
    rm: true, init: false, stopSignal: 'SIGINT', stopTimeout: 2, workdir: '/tmp', user: 'nobody', entrypoint: 'sh' },
  { HOME: '/root' });
  assert.deepEqual(body, { Image: 'busybox', Cmd: ['sleep', '5'], Entrypoint: ['sh'], Env: ['A=1', 'HOME=/root'],
    WorkingDir: '/tmp', User: 'nobody', Labels: { x: 'y' }, StopSignal: 'SIGINT', StopTimeout: 2,
    AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false, OpenStdin: false, StdinOnce: false,
    HostConfig: { Binds: ['/a:/b'], AutoRemove: true, Init: false } });
  assert.equal(createRequest('busybox', [], { env: [], volume: [], label: [] }, {}).HostConfig!.Init, undefined);
});

test('--rm with a restart policy is refused', () => {
  assert.throws(() => createRequest('busybox', [], { env: [], volume: [], label: [], rm: true,
    restart: { Name: 'always' } }, {}), /Conflicting options/);
});

test('start failures map to docker\'s exit codes by the engine\'s code', () => {
  assert.equal(startFailureExit('MOORAGE_COMMAND_NOT_FOUND'), 127);
  assert.equal(startFailureExit('MOORAGE_COMMAND_NOT_EXECUTABLE'), 126);
  assert.equal(startFailureExit('MOORAGE_START_FAILED'), 125);
  assert.equal(startFailureExit(undefined), 125);
});
