/**
 * `moorage doctor CONTAINER`: what the engine predicts a stop of the container will do
 * (`GET /containers/{id}/doctor`), human-readable or as JSON.
 * @module
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { formatTable } from '../table.ts';

/** Registers `doctor`. */
export function registerDoctor(program: Command, ctx: CliContext): void {
  program.command('doctor')
    .description('Predict how a stop of a container will go: which processes catch, ignore or block its stop signal (moorage)')
    .argument('<container>', 'container name or ID')
    .option('--format <format>', '"json" prints the engine\'s report as JSON')
    .action(async (target: string, o: { format?: string }) => {
      const report = await ctx.client().containers.doctor(target);
      ctx.out(o.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
    });
}

/**
 * Renders a doctor report of any shape: strings as `Key: value`, lists of strings as bullets,
 * lists of objects as tables, nested objects indented.
 */
export function formatDoctor(report: unknown, indent = ''): string {
  if (report === null || typeof report !== 'object') return `${indent}${String(report)}\n`;
  if (Array.isArray(report)) return renderList(report, indent);
  let out = '';
  for (const [k, v] of Object.entries(report as Record<string, unknown>)) {
    const label = k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object') out += `${indent}${label}: ${String(v)}\n`;
    else if (Array.isArray(v) && v.length === 0) out += `${indent}${label}: none\n`;
    else out += `${indent}${label}:\n${Array.isArray(v) ? renderList(v, `${indent}  `) : formatDoctor(v, `${indent}  `)}`;
  }
  return out;
}

function renderList(list: unknown[], indent: string): string {
  if (list.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
    const objs = list as Record<string, unknown>[];
    const simple = objs.every((o) => Object.values(o).every((v) => v === null || typeof v !== 'object'));
    if (simple) {
      const cols = [...new Set(objs.flatMap((o) => Object.keys(o)))];
      const rows = [cols.map((c) => c.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()),
        ...objs.map((o) => cols.map((c) => o[c] === undefined || o[c] === null ? '-' : String(o[c])))];
      return formatTable(rows).replace(/^(?=.)/gm, indent);
    }
    return objs.map((o) => formatDoctor(o, `${indent}  `).replace(/^ {2}/, '- ')).join('');
  }
  return list.map((x) => `${indent}- ${typeof x === 'object' ? JSON.stringify(x) : String(x)}\n`).join('');
}
