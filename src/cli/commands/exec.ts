/**
 * `moorage exec` and `moorage attach`: a process started in a running container, or the
 * container's own, with the local terminal and stdin when asked. exec exits with the
 * process's code (127 for a command that is not there), or 1 when the exec could not be made.
 * @module
 */
import type { Command } from 'commander';
import { CliError, describeError, type CliContext } from '../context.ts';
import { collect, resolveEnv } from '../parse.ts';
import { localSize, runSession } from '../terminal.ts';
import type { MoorageClient } from '../../client/client.ts';

/** Options of `exec`, as commander hands them over. */
interface ExecFlags {
  interactive?: boolean;
  tty?: boolean;
  detach?: boolean;
  env: string[];
  user?: string;
  workdir?: string;
  privileged?: boolean;
  detachKeys?: string;
}

/** Registers `exec` and `attach`. */
export function registerExec(program: Command, ctx: CliContext): void {
  program.command('exec')
    .description('Run a command in a running container')
    .argument('<container>', 'container name or ID')
    .argument('<command...>', 'command and arguments')
    .option('-i, --interactive', 'Keep STDIN open and send it to the command')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('-d, --detach', 'Run the command in the background')
    .option('-e, --env <KEY=VALUE>', 'Set an environment variable; repeatable', collect, [])
    .option('-u, --user <user[:group]>', 'User to run as')
    .option('-w, --workdir <dir>', 'Working directory of the command')
    .option('--privileged', 'Give the command extended privileges')
    .option('--detach-keys <keys>', 'Key sequence that detaches (default ctrl-p,ctrl-q)')
    .passThroughOptions()
    .action(async (container: string, command: string[], o: ExecFlags) => {
      await execIn(ctx, container, command, o);
    });

  program.command('attach')
    .description('Attach the local stdin and output to a running container')
    .argument('<container>', 'container name or ID')
    .option('--no-stdin', 'Do not attach STDIN')
    .option('--detach-keys <keys>', 'Key sequence that detaches (default ctrl-p,ctrl-q)')
    .action(async (container: string, o: { stdin: boolean; detachKeys?: string }) => {
      const c = ctx.client();
      const info = await c.containers.inspect(container);
      if (!info.State.Running) throw new CliError('You cannot attach to a stopped container, start it first');
      const stdin = o.stdin && info.Config.OpenStdin;
      const tty = info.Config.Tty;
      const waiter = await c.containers.waitHandle(container, { condition: 'not-running' });
      const a = await c.containers.attach(container, { stdin, detachKeys: o.detachKeys });
      const end = await runSession(ctx.io, a, { tty, stdin, detachKeys: o.detachKeys, resize: (s) => c.containers.resize(container, s) });
      // Detached (the container runs on): exit 0 at once; otherwise with its exit code.
      if (end.detached) {
        waiter.cancel();
        return;
      }
      ctx.exitCode = (await waiter.result).StatusCode;
    });
}

async function execIn(ctx: CliContext, container: string, command: string[], o: ExecFlags): Promise<void> {
  const c = ctx.client();
  const stdin = Boolean(o.interactive) && !o.detach;
  const tty = Boolean(o.tty);
  const size = tty ? localSize(ctx.io) : undefined;
  let id: string;
  try {
    ({ Id: id } = await c.execs.create(container, {
      Cmd: command, AttachStdin: stdin, AttachStdout: !o.detach, AttachStderr: !o.detach, Tty: tty,
      Env: resolveEnv(o.env, ctx.io.env), User: o.user, WorkingDir: o.workdir, Privileged: o.privileged,
      DetachKeys: o.detachKeys, ...(size ? { ConsoleSize: size } : {}),
    }));
  } catch (err) {
    throw new CliError(describeError(err));
  }
  if (o.detach) {
    await c.execs.start(id, { detach: true, tty });
    return;
  }
  const a = await c.execs.start(id, { tty, stdin, ...(size ? { consoleSize: size } : {}) });
  const end = await runSession(ctx.io, a, { tty, stdin, detachKeys: o.detachKeys, resize: (s) => c.execs.resize(id, s) });
  if (end.detached) return; // the process runs on: docker exits 0
  ctx.exitCode = await execExitCode(c, id);
}

/**
 * The exec's exit code once the engine has recorded it: the output can close a moment before
 * the exit is known (bounded at 5 s, then whatever it says).
 */
async function execExitCode(c: MoorageClient, id: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const info = await c.execs.inspect(id);
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((r) => setTimeout(r, 50));
  }
  return (await c.execs.inspect(id)).ExitCode ?? 0;
}
