/**
 * `moorage diff`: what a container changed in its filesystem, one `C|A|D PATH` line per change
 * (modified, added, deleted), as docker prints them.
 * @module
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

/** Registers `diff`. */
export function registerDiff(program: Command, ctx: CliContext): void {
  program.command('diff')
    .description('Inspect changes to files or directories on a container\'s filesystem')
    .argument('<container>', 'container name or ID')
    .action(async (target: string) => {
      for (const c of await ctx.client().containers.changes(target)) ctx.out(`${'CAD'[c.Kind]} ${c.Path}\n`);
    });
}
