/**
 * `moorage top`, `stats` and `update`: a container's processes, its usage (a live table on a
 * terminal, redrawn each second as docker's), and new limits.
 * @module
 */
import type { Command } from 'commander';
import type { Readable } from 'node:stream';
import { CliError, forEachTarget, type CliContext } from '../context.ts';
import { parseRestart, resourceFlags, resourcesFromFlags, type ResourceFlags } from '../parse.ts';
import { formatTable } from '../table.ts';
import { STATS_HEADER, statsCells, statsRow, type StatsRow } from '../stats-view.ts';
import type { ContainerStats, ContainerUpdateRequest, RestartPolicy } from '../../client/types.ts';

/** Registers top, stats and update. */
export function registerResources(program: Command, ctx: CliContext): void {
  program.command('top')
    .description('Display the running processes of a container')
    .argument('<container>', 'container name or ID')
    .argument('[ps-options...]', 'options for ps (default -ef)')
    .passThroughOptions()
    .action(async (container: string, psArgs: string[]) => {
      const top = await ctx.client().containers.top(container, psArgs.length ? psArgs.join(' ') : undefined);
      ctx.out(formatTable([top.Titles, ...top.Processes]));
    });

  program.command('stats')
    .description('Display a live stream of containers\' resource usage')
    .argument('[container...]', 'container names or IDs (default: every running one)')
    .option('-a, --all', 'Show every container (default: running ones)')
    .option('--no-stream', 'Print the first result and exit')
    .option('--no-trunc', 'Do not truncate output')
    .action(async (targets: string[], o: { all?: boolean; stream: boolean }) => {
      await showStats(ctx, targets, o.all ?? false, o.stream);
    });

  resourceFlags(program.command('update')
    .description('Update the limits and restart policy of one or more containers')
    .argument('<container...>', 'container names or IDs'))
    .option('--restart <policy>', 'Restart policy: no, always, unless-stopped, on-failure[:max-retries]', parseRestart)
    .action(async (targets: string[], o: ResourceFlags & { restart?: RestartPolicy }) => {
      const body: ContainerUpdateRequest = { ...resourcesFromFlags(o), ...(o.restart ? { RestartPolicy: o.restart } : {}) };
      if (!Object.keys(body).length) throw new CliError('You must provide one or more flags when using this command.');
      await forEachTarget(ctx, targets, async (t) => {
        const r = await ctx.client().containers.update(t, body);
        for (const w of r.Warnings ?? []) ctx.err(`WARNING: ${w}\n`);
        return t;
      });
    });
}

/** The stats table: once (`--no-stream`), or redrawn each second until interrupted. */
async function showStats(ctx: CliContext, targets: string[], all: boolean, stream: boolean): Promise<void> {
  const c = ctx.client();
  const named = targets.length > 0;
  const pick = async () => (named
    ? targets.map((t) => ({ id: t, name: t }))
    : (await c.containers.list({ all })).map((s) => ({ id: s.Id, name: s.Names[0]!.replace(/^\//, '') })));
  if (!stream) {
    const list = await pick();
    const rows = await Promise.all(list.map(async (t) => {
      try {
        return statsCells(statsRow(await c.containers.stats(t.id)), t.id, t.name);
      } catch (err) {
        if (named) throw err;
        return statsCells(null, t.id, t.name); // removed meanwhile
      }
    }));
    ctx.out(formatTable([STATS_HEADER, ...rows]));
    return;
  }
  const latest = new Map<string, { name: string; row: StatsRow | null; stream: Readable | null }>();
  const follow = async (id: string, name: string) => {
    const entry = { name, row: null as StatsRow | null, stream: null as Readable | null };
    latest.set(id, entry);
    try {
      const s = await c.containers.statsStream(id, { timeoutMs: null });
      entry.stream = s;
      for await (const sample of s as AsyncIterable<ContainerStats>) entry.row = statsRow(sample);
    } catch (err) {
      if (named) ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
    }
    latest.delete(id);
  };
  const isTTY = (ctx.io.stdout as { isTTY?: boolean }).isTTY === true;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    if (isTTY) ctx.out('\x1b[2J');
    while (!controller.signal.aborted) {
      for (const t of await pick()) if (!latest.has(t.id)) void follow(t.id, t.name);
      await new Promise((r) => setTimeout(r, 1000));
      const rows = [...latest.entries()].map(([id, e]) => statsCells(e.row, id, e.row?.name ?? e.name));
      const table = formatTable([STATS_HEADER, ...rows]);
      if (isTTY) ctx.out(`\x1b[H${table.replace(/\n/g, '\x1b[K\n')}\x1b[J`);
      else ctx.out(table);
      if (named && latest.size === 0) break;
    }
  } finally {
    process.off('SIGINT', stop);
    for (const e of latest.values()) e.stream?.destroy();
  }
}
