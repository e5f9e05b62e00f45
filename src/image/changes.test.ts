import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChanges, mergeCommitConfig } from './changes.ts';
import type { ImageConfig } from './config.ts';

const empty = (): ImageConfig => ({ Cmd: null, Entrypoint: null, Env: [], WorkingDir: '', User: '', Labels: {} });

describe('applyChanges', () => {
  it('sets commands in shell and JSON form', () => {
    const c = applyChanges(empty(), ['CMD echo hi', 'ENTRYPOINT ["/bin/sh","-c"]']);
    assert.deepEqual(c.Cmd, ['/bin/sh', '-c', 'echo hi']);
    assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c']);
  });

  it('takes several pairs in one ENV or LABEL, quoted values and the legacy form', () => {
    const c = applyChanges({ ...empty(), Env: ['A=old', 'B=keep'] }, ['ENV A=1 C="two words"', 'ENV D legacy value', 'LABEL x=1 y="a b"']);
    assert.deepEqual(c.Env, ['B=keep', 'A=1', 'C=two words', 'D=legacy value']);
    assert.deepEqual(c.Labels, { x: '1', y: 'a b' });
  });

  it('checks exposed ports and adds volumes', () => {
    const c = applyChanges(empty(), ['EXPOSE 80 53/UDP', 'VOLUME ["/data"]', 'VOLUME /a /b']);
    assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
    assert.deepEqual(Object.keys(c.Volumes ?? {}), ['/data', '/a', '/b']);
    assert.throws(() => applyChanges(empty(), ['EXPOSE http']), /invalid containerPort: http/);
  });

  it('refuses an unknown instruction or a bad JSON list, naming it', () => {
    assert.throws(() => applyChanges(empty(), ['RUN rm -rf /']), /RUN is not a valid change command/);
    assert.throws(() => applyChanges(empty(), ['CMD ["a", 1]']), /invalid JSON list/);
    assert.throws(() => applyChanges(empty(), ['CMD']), /invalid change: CMD/);
  });

  it('leaves its input as it was', () => {
    const base = { ...empty(), Env: ['A=1'] };
    applyChanges(base, ['ENV A=2', 'LABEL l=1']);
    assert.deepEqual(base, { ...empty(), Env: ['A=1'] });
  });
});

describe('mergeCommitConfig', () => {
  const container: ImageConfig = {
    Cmd: ['sleep', '1'], Entrypoint: ['/init'], Env: ['PATH=/bin', 'A=c'], WorkingDir: '/w', User: 'nobody',
    Labels: { from: 'container', both: 'container' }, StopSignal: 'SIGINT', ExposedPorts: { '80/tcp': {} }, Volumes: { '/v': {} },
  };

  it('fills what the commit leaves empty from the container', () => {
    assert.deepEqual(mergeCommitConfig(empty(), container), container);
  });

  it('keeps what the commit sets and adds the container environment, labels, ports and volumes', () => {
    const m = mergeCommitConfig({ ...empty(), Env: ['A=commit'], Labels: { both: 'commit' }, User: 'root', ExposedPorts: { '53/udp': {} } }, container);
    assert.deepEqual(m.Env, ['A=commit', 'PATH=/bin']);
    assert.deepEqual(m.Labels, { from: 'container', both: 'commit' });
    assert.equal(m.User, 'root');
    assert.deepEqual(m.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  });

  it('takes neither command nor entrypoint from the container when the commit sets an entrypoint', () => {
    const m = mergeCommitConfig({ ...empty(), Entrypoint: ['/new'] }, container);
    assert.deepEqual(m.Entrypoint, ['/new']);
    assert.equal(m.Cmd, null);
  });

  it('keeps the container entrypoint under a commit that sets only a command', () => {
    const m = mergeCommitConfig({ ...empty(), Cmd: ['echo'] }, container);
    assert.deepEqual(m.Cmd, ['echo']);
    assert.deepEqual(m.Entrypoint, ['/init']);
  });
});
