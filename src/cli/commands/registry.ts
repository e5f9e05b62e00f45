/**
 * Registry verbs: `pull`, `push` (docker's progress output) and `login` (credentials checked by
 * the engine, stored in docker's config.json).
 * @module
 */
import type { Command } from 'commander';
import { CliError, type CliContext } from '../context.ts';
import { loadCredentials, serverKey, storeCredentials } from '../credentials.ts';
import { ProgressPrinter } from '../json-progress.ts';

function printer(ctx: CliContext): ProgressPrinter {
  return new ProgressPrinter(ctx.io.stdout, Boolean((ctx.io.stdout as { isTTY?: boolean }).isTTY));
}

/** `name` with `:latest` when it names neither a tag nor a digest. */
function withTag(name: string): string {
  return name.includes('@') || /:[\w][\w.-]*$/.test(name.slice(name.lastIndexOf('/') + 1)) ? name : `${name}:latest`;
}

/** Reads a whole stream (the password of `--password-stdin`). */
async function readAll(s: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const c of s) out += String(c);
  return out;
}

/** Registers `pull`, `push` and `login`. */
export function registerRegistry(program: Command, ctx: CliContext): void {
  program.command('pull')
    .description('Download an image from a registry')
    .argument('<name>', 'NAME[:TAG|@DIGEST]')
    .option('--platform <platform>', 'os/arch[/variant] of a multi-platform image')
    .option('-q, --quiet', 'Suppress verbose output')
    .action(async (name: string, o: { platform?: string; quiet?: boolean }) => {
      const ref = withTag(name);
      if (ref !== name && !o.quiet) ctx.out('Using default tag: latest\n');
      const p = printer(ctx);
      const auth = await loadCredentials(ctx.io.env, serverKey(name));
      await ctx.client().images.pull(ref, { platform: o.platform, auth, onProgress: o.quiet ? undefined : (m) => p.handle(m) });
      p.done();
      ctx.out(`${ref}\n`);
    });

  program.command('push')
    .description('Upload an image to a registry')
    .argument('<name>', 'NAME[:TAG]')
    .option('-q, --quiet', 'Suppress verbose output')
    .action(async (name: string, o: { quiet?: boolean }) => {
      const p = printer(ctx);
      const auth = await loadCredentials(ctx.io.env, serverKey(name));
      const r = await ctx.client().images.push(name, { auth, onProgress: o.quiet ? undefined : (m) => p.handle(m) });
      p.done();
      if (o.quiet) ctx.out(`${r.digest ?? ''}\n`);
    });

  program.command('login')
    .description('Log in to a registry (Docker Hub when no server is given)')
    .argument('[server]', 'registry host[:port]')
    .option('-u, --username <user>', 'Username')
    .option('-p, --password <password>', 'Password')
    .option('--password-stdin', 'Take the password from stdin')
    .action(async (server: string | undefined, o: { username?: string; password?: string; passwordStdin?: boolean }) => {
      const password = o.passwordStdin ? (await readAll(ctx.io.stdin)).replace(/\r?\n$/, '') : o.password;
      if (!o.username || !password) throw new CliError('Error: Cannot perform an interactive login from a non TTY device: give --username and --password or --password-stdin', 1);
      const key = server ? serverKey(server) : serverKey('docker.io/x');
      const auth = { username: o.username, password, serveraddress: key };
      const r = await ctx.client().images.login(auth);
      await storeCredentials(ctx.io.env, key, auth);
      ctx.out(`${r.Status}\n`);
    });
}
