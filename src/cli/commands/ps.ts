/**
 * `moorage ps`: the container table, IDs only (`-q`), a template, or JSON lines.
 * @module
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { collect, parseFilters, parseInteger } from '../parse.ts';
import { compileTemplate } from '../template.ts';
import { alignTabs, formatTable } from '../table.ts';
import { ago, shortId } from '../humanize.ts';
import type { ContainerSummary } from '../../client/types.ts';

/** The fields a `ps --format` template sees (docker's names). */
export interface PsRow {
  ID: string;
  Image: string;
  Command: string;
  CreatedAt: string;
  RunningFor: string;
  Status: string;
  State: string;
  Names: string;
  Ports: string;
  Labels: string;
  Size: string;
  Mounts: string;
  Networks: string;
  LocalVolumes: string;
}

/** The row docker prints for a container. */
export function psRow(c: ContainerSummary, noTrunc = false, now = Date.now()): PsRow {
  const cmd = noTrunc ? c.Command : ellipsis(c.Command ?? '', 20);
  return {
    ID: noTrunc ? c.Id : shortId(c.Id),
    Image: c.Image,
    Command: JSON.stringify(cmd),
    CreatedAt: goTime(c.Created),
    RunningFor: ago(c.Created, now),
    Status: c.Status,
    State: c.State,
    Names: (c.Names ?? []).map((n) => n.replace(/^\//, '')).join(','),
    Ports: '',
    Labels: Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    Size: '',
    Mounts: '',
    Networks: '',
    LocalVolumes: '0',
  };
}

/** Registers `ps`. */
export function registerPs(program: Command, ctx: CliContext): void {
  program.command('ps')
    .description('List containers (running ones unless --all)')
    .option('-a, --all', 'Show all containers, not only running ones')
    .option('-q, --quiet', 'Only print container IDs')
    .option('-f, --filter <key=value>', 'Filter: id, name, status, label, exited, ancestor …; repeatable', collect, [])
    .option('--format <format>', 'Output: "table", "json" (one object per line), or a template such as "{{.ID}} {{.Names}}"')
    .option('-n, --last <n>', 'Show the n last created containers (all states)', parseInteger)
    .option('--no-trunc', 'Do not truncate IDs and commands')
    .action(async (o: { all?: boolean; quiet?: boolean; filter: string[]; format?: string; last?: number; trunc: boolean }) => {
      const list = await ctx.client().containers.list({
        all: o.all || o.last !== undefined, filters: parseFilters(o.filter), limit: o.last,
      });
      const rows = list.map((c) => psRow(c, !o.trunc));
      if (o.quiet) {
        for (const r of rows) ctx.out(`${r.ID}\n`);
      } else if (o.format === 'json') {
        for (const r of rows) ctx.out(`${JSON.stringify(r)}\n`);
      } else if (o.format && o.format !== 'table') {
        const t = compileTemplate(o.format);
        const lines = rows.map((r) => t.render(r));
        if (t.table) ctx.out(alignTabs([t.header({ ID: 'CONTAINER ID', RunningFor: 'CREATED', CreatedAt: 'CREATED AT' }), ...lines]));
        else for (const l of lines) ctx.out(`${l}\n`);
      } else {
        ctx.out(formatTable([['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'],
          ...rows.map((r) => [r.ID, r.Image, r.Command, r.RunningFor, r.Status, r.Ports, r.Names])]));
      }
    });
}

/** Cuts `s` to `n` characters, the last one an ellipsis (docker's `ellipsis`). */
export function ellipsis(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join('')}…`;
}

/** Go's default time format of a unix time, in UTC: `2024-01-02 15:04:05 +0000 UTC`. */
export function goTime(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} +0000 UTC`;
}
