import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, eventMatches, RING_SIZE } from './bus.ts';
import { parseFilters } from './filters.ts';

test('events get strictly increasing nanosecond times and replay from the ring', () => {
  const bus = new EventBus();
  const a = bus.publish('container', 'create', 'abc', { name: 'one' });
  const b = bus.publish('container', 'start', 'abc', { name: 'one' });
  assert.ok(b.timeNano > a.timeNano);
  assert.equal(a.time, Number(a.timeNano / 1_000_000_000n));
  assert.deepEqual(bus.replay(b.timeNano, 2n ** 63n).map((e) => e.Action), ['start']);
});

test('the ring keeps at least 256 of the newest events', () => {
  const bus = new EventBus();
  for (let i = 0; i < RING_SIZE + 10; i++) bus.publish('container', `e${i}`, 'x');
  const all = bus.replay(0n, 2n ** 63n);
  assert.ok(all.length >= 256);
  assert.equal(all.at(-1)!.Action, `e${RING_SIZE + 9}`);
  assert.equal(all[0]!.Action, 'e10');
});

test('subscribers receive events published after they subscribed', async () => {
  const bus = new EventBus();
  bus.publish('container', 'before', 'x');
  const sub = bus.subscribe();
  bus.publish('container', 'after', 'x');
  const first = await sub.next();
  assert.equal(first.value.Action, 'after');
  sub.close();
  assert.equal((await sub.next()).done, true);
});

test('filters match container by id prefix or name, event, type and label', () => {
  const bus = new EventBus();
  const e = bus.publish('container', 'die', 'abcdef', { name: 'web', image: 'busybox', tier: 'front' });
  const f = (s: string) => parseFilters(s, ['container', 'event', 'type', 'label', 'image']);
  assert.ok(eventMatches(e, f('{"container":{"web":true}}')));
  assert.ok(eventMatches(e, f('{"container":["abc"]}')));
  assert.ok(!eventMatches(e, f('{"container":["other"]}')));
  assert.ok(eventMatches(e, f('{"event":["stop","die"]}')));
  assert.ok(!eventMatches(e, f('{"type":["image"]}')));
  assert.ok(eventMatches(e, f('{"label":["tier=front"]}')));
  assert.ok(eventMatches(e, f('{"label":["tier"]}')));
  assert.ok(!eventMatches(e, f('{"label":["tier=back"]}')));
  assert.ok(eventMatches(e, f('{"image":["busybox"]}')));
});

test('parseFilters rejects malformed JSON and unknown keys', () => {
  assert.throws(() => parseFilters('{nope', ['event']), { name: 'InvalidParameter' });
  assert.throws(() => parseFilters('{"bogus":["x"]}', ['event']), { message: "invalid filter 'bogus'" });
  assert.deepEqual([...parseFilters('{"event":{"die":true}}', ['event'])], [['event', ['die']]]);
});
