/**
 * `moorage events`: the engine's event stream, as docker prints it, as JSON lines or through a
 * template.
 * @module
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { collect, parseFilters, parseTime } from '../parse.ts';
import { compileTemplate } from '../template.ts';
import type { EngineEvent } from '../../client/types.ts';

/** Registers `events`. */
export function registerEvents(program: Command, ctx: CliContext): void {
  program.command('events')
    .description('Get real-time events from the engine (and past ones with --since)')
    .option('--since <time>', 'Show events since a time: unix seconds, RFC 3339, or a duration such as 10m', (v: string) => parseTime(v))
    .option('--until <time>', 'Stream events until a time (past times end at once)', (v: string) => parseTime(v))
    .option('-f, --filter <key=value>', 'Filter: container, event, type, label, image; repeatable', collect, [])
    .option('--format <format>', '"json" (one object per line) or a template such as "{{.Action}} {{.Actor.ID}}"')
    .action(async (o: { since?: string; until?: string; filter: string[]; format?: string }) => {
      const stream = await ctx.client().system.events({ since: o.since, until: o.until, filters: parseFilters(o.filter) });
      const tmpl = o.format && o.format !== 'json' ? compileTemplate(o.format) : undefined;
      for await (const e of stream) {
        if (o.format === 'json') ctx.out(`${JSON.stringify(e)}\n`);
        else if (tmpl) ctx.out(`${tmpl.render(e)}\n`);
        else ctx.out(`${formatEvent(e)}\n`);
      }
    });
}

/** docker's line for an event: `2024-01-02T03:04:05.123456789Z container die <id> (exitCode=0, name=web)`. */
export function formatEvent(e: EngineEvent): string {
  const nanos = BigInt(e.timeNano ?? e.time * 1e9);
  const secs = nanos / 1_000_000_000n;
  const frac = String(nanos % 1_000_000_000n).padStart(9, '0');
  const time = new Date(Number(secs) * 1000).toISOString().replace(/\.\d+Z$/, `.${frac}Z`);
  const attrs = Object.entries(e.Actor?.Attributes ?? {}).sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`).join(', ');
  return `${time} ${e.Type} ${e.Action} ${e.Actor?.ID ?? ''}${attrs ? ` (${attrs})` : ''}`;
}
