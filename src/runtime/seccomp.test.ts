import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultProfile, ociSeccomp, parseProfile } from './seccomp.ts';

const allowed = (spec: Record<string, unknown>, name: string) =>
  (spec.syscalls as { names: string[]; action: string; args?: unknown[] }[]).filter((r) => r.names.includes(name) && r.action === 'SCMP_ACT_ALLOW');

test('the default filter allows mount and unshare only with CAP_SYS_ADMIN, and clone without namespace flags', () => {
  const plain = ociSeccomp(defaultProfile(), ['CAP_CHOWN'], 'x64');
  assert.deepEqual(plain.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.equal(plain.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(allowed(plain, 'mount').length, 0);
  assert.equal(allowed(plain, 'unshare').length, 0);
  assert.equal(allowed(plain, 'read').length, 1);
  assert.equal(allowed(plain, 'arch_prctl').length, 1);
  assert.equal(allowed(plain, 'breakpoint').length, 0, 'arm only');
  const clone = allowed(plain, 'clone');
  assert.deepEqual(clone.map((r) => r.args), [[{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]]);
  const admin = ociSeccomp(defaultProfile(), ['CAP_SYS_ADMIN'], 'x64');
  assert.equal(allowed(admin, 'mount').length, 1);
  assert.ok(allowed(admin, 'clone').some((r) => !r.args), 'any clone with CAP_SYS_ADMIN');
  const clone3 = (spec: Record<string, unknown>) => (spec.syscalls as { names: string[]; action: string; errnoRet?: number }[])
    .filter((r) => r.names.includes('clone3')).map((r) => [r.action, r.errnoRet]);
  assert.deepEqual(clone3(plain), [['SCMP_ACT_ERRNO', 38]]);
  assert.deepEqual(clone3(admin), [['SCMP_ACT_ALLOW', undefined]]);
});

test('a profile in Docker\'s format is checked and converted; one that is not JSON is a 400', () => {
  const p = parseProfile('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","includes":{"caps":["CAP_X"]}}]}');
  assert.deepEqual(ociSeccomp(p, [], 'x64').syscalls, []);
  assert.deepEqual(ociSeccomp(p, ['CAP_X'], 'x64').syscalls, [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }]);
  assert.throws(() => parseProfile('nope'), /decoding seccomp profile failed/);
  assert.throws(() => parseProfile('{"syscalls":[]}'), /no defaultAction/);
});
