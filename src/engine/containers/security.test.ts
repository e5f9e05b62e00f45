import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CAPS } from '../../runtime/capabilities.ts';
import { capabilitiesOf, deviceRulesOf, securityOptions, shmSizeOf, sysctlsOf } from './security.ts';

test('capabilities follow Docker: default, added, dropped, ALL either way', () => {
  assert.deepEqual(new Set(capabilitiesOf({})), new Set(DEFAULT_CAPS));
  assert.deepEqual(capabilitiesOf({ CapDrop: ['ALL'], CapAdd: ['chown', 'CAP_KILL'] }), ['CAP_CHOWN', 'CAP_KILL']);
  const some = capabilitiesOf({ CapAdd: ['SYS_ADMIN'], CapDrop: ['NET_RAW'] });
  assert.ok(some.includes('CAP_SYS_ADMIN') && !some.includes('CAP_NET_RAW'));
  assert.ok(!capabilitiesOf({ CapAdd: ['ALL'], CapDrop: ['MKNOD'] }).includes('CAP_MKNOD'));
  assert.throws(() => capabilitiesOf({ CapAdd: ['BOGUS'] }), /unknown capability: "CAP_BOGUS"/);
});

test('security options: no-new-privileges forms, seccomp, and the refusal of what is not applied', () => {
  assert.deepEqual(securityOptions({ SecurityOpt: ['no-new-privileges'] }), { noNewPrivileges: true, seccomp: 'default' });
  assert.equal(securityOptions({ SecurityOpt: ['no-new-privileges:false'] }).noNewPrivileges, false);
  assert.equal(securityOptions({ SecurityOpt: ['seccomp=unconfined'] }).seccomp, 'unconfined');
  assert.equal(securityOptions({ SecurityOpt: ['apparmor=unconfined', 'label=disable'] }).seccomp, 'default');
  assert.throws(() => securityOptions({ SecurityOpt: ['apparmor=docker-default'] }), /not supported by moorage/);
  assert.throws(() => securityOptions({ SecurityOpt: ['seccomp={bad'] }), /decoding seccomp profile failed/);
});

test('sysctls of the container\'s namespaces only; shm size and device rules checked', () => {
  assert.deepEqual(sysctlsOf({ Sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1' } }, false), { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1' });
  assert.throws(() => sysctlsOf({ Sysctls: { 'net.ipv4.ip_forward': '1' } }, true), /not allowed in host network namespace/);
  assert.throws(() => sysctlsOf({ Sysctls: { 'kernel.panic': '1' } }, false), /not allowed/);
  assert.equal(shmSizeOf({}), 64 * 1024 * 1024);
  assert.throws(() => shmSizeOf({ ShmSize: -1 }), /less than 0/);
  assert.deepEqual(deviceRulesOf({ DeviceCgroupRules: ['c 1:3 rwm', 'b *:* m'] }), [
    { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, { allow: true, type: 'b', major: undefined, minor: undefined, access: 'm' }]);
  assert.throws(() => deviceRulesOf({ DeviceCgroupRules: ['x 1:3 rwm'] }), /invalid device cgroup rule/);
});
