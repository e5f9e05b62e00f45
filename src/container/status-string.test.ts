import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusString } from './status-string.ts';
import { humanDuration } from '../units.ts';
import { initialState } from './state.ts';

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

test('statusString prints Docker strings for each state', () => {
  const now = Date.parse('2026-01-01T00:01:00Z');
  const s = initialState();
  assert.equal(statusString(s, now), 'Created');
  s.Running = true; s.StartedAt = '2026-01-01T00:00:57Z';
  assert.equal(statusString(s, now), 'Up 3 seconds');
  s.Paused = true;
  assert.equal(statusString(s, now), 'Up 3 seconds (Paused)');
  s.Paused = false; s.Restarting = true; s.ExitCode = 1; s.FinishedAt = '2026-01-01T00:00:58Z';
  assert.equal(statusString(s, now), 'Restarting (1) 2 seconds ago');
  s.Running = false; s.Restarting = false; s.ExitCode = 0;
  assert.equal(statusString(s, now), 'Exited (0) 2 seconds ago');
  s.RemovalInProgress = true;
  assert.equal(statusString(s, now), 'Removal In Progress');
  s.RemovalInProgress = false; s.Dead = true;
  assert.equal(statusString(s, now), 'Dead');
});
