import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusString } from './status-string.ts';
import { initialState } from './state.ts';

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
