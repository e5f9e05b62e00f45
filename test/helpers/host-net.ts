/**
 * What a test daemon has left on the host's network: its namespaces, its bridges, and the
 * veths on them. Tests check these are gone when the containers and networks are.
 * @module
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { TestDaemon } from './daemon.ts';

const run = promisify(execFile);

/** The daemon's network namespaces (`/run/netns/moorage-<tag>-…`). */
export async function namespacesOf(d: TestDaemon): Promise<string[]> {
  const prefix = `moorage-${createHash('sha256').update(d.dataRoot).digest('hex').slice(0, 8)}-`;
  return (await readdir('/run/netns').catch(() => [] as string[])).filter((n) => n.startsWith(prefix));
}

/** Interfaces of the host whose name is one of `names` or is enslaved to one of them. */
export async function linksOf(names: string[]): Promise<string[]> {
  const { stdout } = await run('ip', ['-o', 'link']);
  return stdout.split('\n').filter((l) => names.some((n) => l.includes(` ${n}:`) || l.includes(`master ${n} `))).map((l) => l.split(':')[1]!.trim());
}

/** The daemon's default bridge device. */
export const defaultBridge = (d: TestDaemon) => `mtb${d.slot}`;

/** The bridge device of a user network, from its ID. */
export const userBridge = (networkId: string) => `mr-${networkId.slice(0, 12)}`;

/** Everything of the daemon's left on the host: namespaces, its bridges and their veths. */
export async function leftovers(d: TestDaemon, networkIds: string[] = []): Promise<string[]> {
  return [...await namespacesOf(d), ...await linksOf([defaultBridge(d), ...networkIds.map(userBridge)])];
}

/** An HTTP GET to 127.0.0.1 (the only host address tests send to), with a bound. */
export async function httpGet(port: number, path = '/', timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** Retries `fn` until it resolves, for at most `ms` (a server in a container takes a moment to listen). */
export async function eventually<T>(fn: () => Promise<T>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A TCP port free on 127.0.0.1 now (for tests that pick a fixed host port). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
