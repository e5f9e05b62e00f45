import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateIp, allocateSubnet, checkFixedIp, completeSubnet } from './ipam.ts';
import { overlaps, parseCidr } from './cidr.ts';

test('subnets: the gateway is the first host unless given; ranges and gateways must lie inside', () => {
  assert.deepEqual(completeSubnet({ subnet: '10.1.2.0/24' }), { subnet: '10.1.2.0/24', gateway: '10.1.2.1' });
  assert.deepEqual(completeSubnet({ subnet: '10.1.2.0/24', gateway: '10.1.2.254', ipRange: '10.1.2.128/25' }),
    { subnet: '10.1.2.0/24', gateway: '10.1.2.254', ipRange: '10.1.2.128/25' });
  assert.throws(() => completeSubnet({ subnet: '10.1.2.5/24' }), /it should be 10\.1\.2\.0\/24/);
  assert.throws(() => completeSubnet({ subnet: '10.1.2.0/24', gateway: '10.9.9.9' }), /no matching subnet for gateway/);
  assert.throws(() => completeSubnet({ subnet: '10.1.2.0/24', ipRange: '10.1.3.0/25' }), /no matching subnet for range/);
});

test('pools: the first subnet that overlaps nothing taken (networks, host routes)', () => {
  const pools = [{ base: '10.20.0.0/16', size: 24 }];
  assert.equal(allocateSubnet(pools, []), '10.20.0.0/24');
  assert.equal(allocateSubnet(pools, ['10.20.0.0/24', '10.20.1.0/25']), '10.20.2.0/24');
  assert.equal(allocateSubnet(pools, ['10.20.0.0/23']), '10.20.2.0/24');
  assert.throws(() => allocateSubnet([{ base: '10.20.0.0/23', size: 24 }], ['10.0.0.0/8']), /could not find an available/);
  assert.ok(overlaps(parseCidr('10.0.0.0/8'), parseCidr('10.20.3.0/24')));
  assert.ok(!overlaps(parseCidr('10.20.2.0/24'), parseCidr('10.20.3.0/24')));
});

test('addresses: the lowest free one of the range, never network, broadcast or gateway; fixed ones checked', () => {
  const s = completeSubnet({ subnet: '10.1.2.0/30' });
  assert.equal(allocateIp(s, []), '10.1.2.2');
  assert.throws(() => allocateIp(s, ['10.1.2.2']), /no available IPv4 addresses/);
  const r = completeSubnet({ subnet: '10.1.2.0/24', ipRange: '10.1.2.128/25' });
  assert.equal(allocateIp(r, ['10.1.2.128']), '10.1.2.129');
  assert.equal(checkFixedIp(r, '10.1.2.7', []), '10.1.2.7');
  assert.throws(() => checkFixedIp(r, '10.1.2.7', ['10.1.2.7']), /Address already in use/);
  assert.throws(() => checkFixedIp(r, '10.1.3.7', []), /no configured subnet/);
  assert.throws(() => checkFixedIp(r, '10.1.2.1', []), /gateway/);
});
