/**
 * `moorage export`: a container's whole filesystem as a tar, on stdout or into a file (`-o`);
 * never onto a terminal, as docker refuses too.
 * @module
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:tty';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { CliError, type CliContext } from '../context.ts';

/** Registers `export`. */
export function registerExport(program: Command, ctx: CliContext): void {
  program.command('export')
    .description('Export a container\'s filesystem as a tar archive')
    .argument('<container>', 'container name or ID')
    .option('-o, --output <file>', 'Write to a file, instead of STDOUT')
    .action(async (target: string, o: { output?: string }) => {
      if (!o.output && (ctx.io.stdout as Partial<WriteStream>).isTTY) {
        throw new CliError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
      }
      const tar = await ctx.client().containers.export(target);
      if (o.output) {
        await pipeline(tar, createWriteStream(o.output));
        return;
      }
      for await (const chunk of tar) {
        if (!ctx.io.stdout.write(chunk)) await new Promise((r) => ctx.io.stdout.once('drain', r));
      }
    });
}
