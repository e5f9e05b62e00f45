/**
 * The client side of the `moorage` command: every verb but `daemon`, runnable in-process
 * (tests pass buffers as streams) with docker's exit codes.
 * @module
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CliContext, CliError, describeError, type CliIO } from './context.ts';
import { registerContainerVerbs } from './commands/containers.ts';
import { registerRun } from './commands/run.ts';
import { registerStop } from './commands/stop.ts';
import { registerPs } from './commands/ps.ts';
import { registerInspect } from './commands/inspect.ts';
import { registerLogs } from './commands/logs.ts';
import { registerEvents } from './commands/events.ts';
import { registerImages } from './commands/images.ts';
import { registerRegistry } from './commands/registry.ts';
import { registerSystem } from './commands/system.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerExec } from './commands/exec.ts';
import { registerResources } from './commands/resources.ts';
import { registerNetworkVerbs } from './commands/networks.ts';
import { registerCp } from './commands/cp.ts';
import { registerExport } from './commands/export.ts';
import { registerDiff } from './commands/diff.ts';
import { normalizeBoolFlags } from './argv.ts';
import { BUILD_COMMIT, VERSION } from '../version.ts';

/** Exit code of docker for a flag it could not parse. */
export const FLAG_ERROR_EXIT = 125;

/** Builds the `moorage` program with every client verb; `extend` adds more (the daemon verb). */
export function buildProgram(ctx: CliContext, extend?: (program: Command) => void): Command {
  const program = new Command('moorage')
    .description('A container engine that speaks the Docker Engine API and stops containers right')
    .option('-H, --host <address>', 'Daemon socket to connect to: unix:///path or tcp://host:port '
      + '(default: $MOORAGE_HOST, $DOCKER_HOST, then unix:///run/moorage/moorage.sock)')
    .version(`moorage version ${VERSION}, build ${BUILD_COMMIT}`, '-v, --version', 'Print version information and quit')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    });
  registerRun(program, ctx);
  registerPs(program, ctx);
  registerStop(program, ctx);
  registerContainerVerbs(program, ctx);
  registerLogs(program, ctx);
  registerInspect(program, ctx);
  registerEvents(program, ctx);
  registerImages(program, ctx);
  registerRegistry(program, ctx);
  registerSystem(program, ctx);
  registerDoctor(program, ctx);
  registerExec(program, ctx);
  registerResources(program, ctx);
  registerNetworkVerbs(program, ctx);
  registerCp(program, ctx);
  registerExport(program, ctx);
  registerDiff(program, ctx);
  extend?.(program);
  return program;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves its exit code. Never
 * throws: failures are printed on `io.stderr` as docker prints them.
 */
export async function runCli(argv: string[], io: CliIO, extend?: (program: Command) => void): Promise<number> {
  let program: Command | undefined;
  const ctx = new CliContext(io, () => program?.opts<{ host?: string }>().host);
  program = buildProgram(ctx, extend);
  try {
    await program.parseAsync(normalizeBoolFlags(argv), { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof InvalidArgumentError) {
      // Thrown by a verb's own parsing, after commander's: commander has printed nothing.
      io.stderr.write(`${err.message}\nSee 'moorage ${argv[0] ?? ''} --help'.\n`);
      return FLAG_ERROR_EXIT;
    }
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0;
      return err.code === 'commander.missingArgument' || err.code === 'commander.help'
        ? 1 : FLAG_ERROR_EXIT;
    }
    io.stderr.write(`${describeError(err)}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    ctx.close();
  }
}
