import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Container, type ContainerRecord } from '../../container/container.ts';
import { initialState } from '../../container/state.ts';
import { statusString } from '../../container/status-string.ts';
import type { ContainerView } from '../../engine/containers/view.ts';
import { containerSummary } from './wire.ts';

function record(over: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    Id: 'a'.repeat(64), Name: '/web', Created: '2026-01-01T00:00:00.000Z', Path: 'sh', Args: ['-c', 'echo hi there'],
    Image: `sha256:${'b'.repeat(64)}`,
    Config: { Hostname: 'aaaa', User: '', Env: [], Cmd: ['sh'], Entrypoint: null, Image: 'busybox', WorkingDir: '', Labels: { a: '1' }, Tty: false, OpenStdin: false, StdinOnce: false, AttachStdin: false, AttachStdout: true, AttachStderr: true },
    HostConfig: { Binds: ['/src:/dst:ro'], AutoRemove: false, RestartPolicy: { Name: '', MaximumRetryCount: 0 }, Init: null, NetworkMode: 'none' },
    State: initialState(), RestartCount: 0, Task: null, LastStop: null, ...over,
  };
}

test('containerSummary has the fields docker ps reads, with Docker types', () => {
  const c = new Container(record(), '/var/lib/moorage/containers');
  c.state.setRunning(42, new Date('2026-01-01T00:00:10Z'));
  const view: ContainerView = {
    record: c.record, state: c.state.data, status: c.state.status, statusText: statusString(c.state.data, Date.parse('2026-01-01T00:00:13Z')),
    logPath: c.logPath, layers: { lower: '', upper: c.upperDir, work: c.workDir, merged: c.rootfsDir },
    binds: [{ source: '/src', destination: '/dst', readonly: true }], execIds: [],
  };
  const s = containerSummary(view);
  assert.equal(s.Id, 'a'.repeat(64));
  assert.deepEqual(s.Names, ['/web']);
  assert.equal(s.Image, 'busybox');
  assert.equal(s.Command, 'sh -c "echo hi there"');
  assert.equal(s.Created, 1767225600);
  assert.equal(s.State, 'running');
  assert.equal(s.Status, 'Up 3 seconds');
  assert.deepEqual(s.Labels, { a: '1' });
  assert.deepEqual(s.Mounts, [{ Type: 'bind', Source: '/src', Destination: '/dst', Mode: 'ro', RW: false, Propagation: 'rprivate' }]);
});
