/**
 * `moorage logs`: a container's output, stdout to stdout and stderr to stderr.
 * @module
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { parseTail, parseTime } from '../parse.ts';

/** Registers `logs`. */
export function registerLogs(program: Command, ctx: CliContext): void {
  program.command('logs')
    .description('Fetch the logs of a container')
    .argument('<container>', 'container name or ID')
    .option('-f, --follow', 'Follow the output until the container stops')
    .option('-n, --tail <lines>', 'Number of lines to show from the end ("all" by default)', parseTail)
    .option('-t, --timestamps', 'Show timestamps')
    .option('--since <time>', 'Show logs since a time: unix seconds, RFC 3339, or a duration such as 10m', (v: string) => parseTime(v))
    .option('--until <time>', 'Show logs before a time: unix seconds, RFC 3339, or a duration such as 10m', (v: string) => parseTime(v))
    .action(async (target: string, o: { follow?: boolean; tail?: number | 'all'; timestamps?: boolean; since?: string; until?: string }) => {
      const stream = await ctx.client().containers.logs(target, {
        follow: o.follow, tail: o.tail ?? 'all', timestamps: o.timestamps, since: o.since, until: o.until,
      });
      for await (const f of stream) (f.stream === 'stderr' ? ctx.io.stderr : ctx.io.stdout).write(f.data);
    });
}
