/**
 * `moorage inspect`: containers (then images) as a JSON array, or each through a template.
 * @module
 */
import type { Command } from 'commander';
import { CliError, type CliContext } from '../context.ts';
import { compileTemplate } from '../template.ts';
import { NotFound } from '../../client/errors.ts';

/** Registers `inspect`. */
export function registerInspect(program: Command, ctx: CliContext): void {
  program.command('inspect')
    .description('Return low-level information on containers or images')
    .argument('<name...>', 'container or image names or IDs')
    .option('-f, --format <format>', 'Format each object with a template: "{{.State.ExitCode}}", "{{json .State}}", or "json"')
    .option('--type <type>', 'Only look for this type of object: container or image')
    .action(async (names: string[], o: { format?: string; type?: string }) => {
      if (o.type && o.type !== 'container' && o.type !== 'image') {
        throw new CliError(`"${o.type}" is not a valid value for --type`, 1);
      }
      const tmpl = o.format && o.format !== 'json' ? compileTemplate(o.format) : undefined;
      const found: unknown[] = [];
      const errors: string[] = [];
      for (const name of names) {
        try {
          found.push(await lookup(ctx, name, o.type));
        } catch (err) {
          if (!(err instanceof NotFound)) throw err;
          errors.push(o.type ? `Error: No such ${o.type}: ${name}` : `Error: No such object: ${name}`);
        }
      }
      if (tmpl) for (const v of found) ctx.out(`${tmpl.render(v)}\n`);
      else ctx.out(`${JSON.stringify(found, null, 4)}\n`);
      if (errors.length) {
        ctx.err(`${errors.join('\n')}\n`);
        ctx.exitCode = 1;
      }
    });
}

async function lookup(ctx: CliContext, name: string, type?: string): Promise<unknown> {
  const c = ctx.client();
  if (type === 'image') return c.images.inspect(name);
  try {
    return await c.containers.inspect(name);
  } catch (err) {
    if (type === 'container' || !(err instanceof NotFound)) throw err;
    return c.images.inspect(name);
  }
}
