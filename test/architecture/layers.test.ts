/**
 * The shape of src/ (../shared/DESIGN.md, "Layout for growth"): imports go down only and never
 * in a circle. Front doors (api/*) call the engine only; the engine owns every operation; the
 * services below it know nothing of each other, of the engine or of the doors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { cycles, importGraph, type ImportGraph } from './imports.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Leaf modules anyone may import: they import nothing of the project but each other and wire/. */
const SHARED = ['errors.ts', 'version.ts', 'units.ts', 'atomic-write.ts', 'stop-bounds.ts', 'detach-keys.ts'];
const SERVICES = ['container', 'runtime', 'image', 'snapshots', 'content', 'registry', 'network', 'volumes', 'events'];

const top = (m: string) => (m.includes('/') ? m.slice(0, m.indexOf('/')) : m);
const isShared = (m: string) => SHARED.includes(m) || top(m) === 'wire';

/** Why `from` may not import `to`, or null when it may. */
function violation(from: string, to: string): string | null {
  if (isShared(to) || top(from) === top(to) && top(from) !== 'api') return null;
  const f = top(from);
  if (isShared(from)) return 'a shared leaf imports only other shared leaves';
  if (f === 'api') {
    const door = from.split('/')[1];
    if (to.startsWith(`api/${door}/`) || top(to) === 'engine') return null;
    return 'a front door calls the engine only';
  }
  if (f === 'engine') return SERVICES.includes(top(to)) ? null : 'the engine imports services, never a door';
  if (SERVICES.includes(f)) return 'a service knows nothing of other services, the engine or the doors';
  if (f === 'client') return 'the SDK stands alone';
  if (f === 'cli') {
    if (top(to) === 'client') return null;
    // The daemon verb: its flags are the engine's settings, and it loads the server lazily.
    if (from === 'cli/daemon.ts' && (to === 'engine/config.ts' || to === 'serve.ts')) return null;
    return 'the CLI talks to the engine through the SDK';
  }
  if (from === 'serve.ts') return null; // the composition root: engine, door and signals
  return `no rule for ${f}/`;
}

function violations(g: ImportGraph): string[] {
  const out: string[] = [];
  for (const [from, deps] of g) {
    for (const to of deps) {
      const why = violation(from, to);
      if (why) out.push(`${from} -> ${to}: ${why}`);
    }
  }
  return out;
}

test('the import graph of src/ has no cycle', async () => {
  assert.deepEqual(cycles(await importGraph(SRC)), []);
});

test('imports go down the layers only', async () => {
  assert.deepEqual(violations(await importGraph(SRC)), []);
});

test('the checks catch a cycle and an upward import', () => {
  const g: ImportGraph = new Map([
    ['engine/a.ts', new Set(['engine/b.ts'])],
    ['engine/b.ts', new Set(['engine/a.ts'])],
    ['runtime/task.ts', new Set(['engine/engine.ts'])],
    ['api/docker/routes/x.ts', new Set(['container/store.ts', 'engine/engine.ts'])],
  ]);
  assert.deepEqual(cycles(g), [['engine/a.ts', 'engine/b.ts']]);
  assert.deepEqual(violations(g), [
    'runtime/task.ts -> engine/engine.ts: a service knows nothing of other services, the engine or the doors',
    'api/docker/routes/x.ts -> container/store.ts: a front door calls the engine only',
  ]);
});
