import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration } from './units.ts';

test('humanDuration matches go-units boundaries', () => {
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(3_400), '3 seconds');
  assert.equal(humanDuration(60_000), 'About a minute');
  assert.equal(humanDuration(5 * 60_000), '5 minutes');
  assert.equal(humanDuration(40 * 60_000), '40 minutes');
  assert.equal(humanDuration(59.6 * 60_000), '59 minutes');
  assert.equal(humanDuration(90 * 60_000), '2 hours');
  assert.equal(humanDuration(3 * 24 * 3_600_000), '3 days');
  assert.equal(humanDuration(20 * 24 * 3_600_000), '2 weeks');
  assert.equal(humanDuration(90 * 24 * 3_600_000), '3 months');
  assert.equal(humanDuration(800 * 24 * 3_600_000), '2 years');
});
