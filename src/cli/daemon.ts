/**
 * The `moorage daemon` verb, with dockerd's flag names.
 * @module
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultConfig } from '../engine/config.ts';

/** Builds the `daemon` command. */
export function daemonCommand(): Command {
  const d = defaultConfig();
  return new Command('daemon')
    .description('Run the moorage engine (serves the Docker Engine API on a unix socket)')
    .option('-H, --host <address>', 'unix:///PATH socket to listen on', d.host)
    .option('--data-root <dir>', 'root of persistent state (containers, images)', d.dataRoot)
    .option('--exec-root <dir>', 'root of runtime state (exit files, runtime state)', d.execRoot)
    .option('--default-stop-timeout <seconds>', 'seconds a stop waits before SIGKILL', (v) => nonNegative(v), d.defaultStopTimeout)
    .option('--no-init', 'run containers without an init unless they ask for one')
    .option('--init-path <path>', 'init binary to bind-mount into containers (e.g. /usr/bin/tini-static)', d.initPath)
    .addOption(new Option('--stop-scope <scope>', 'who gets the stop signal: all processes (moorage) or PID 1 only (init, Docker)').choices(['all', 'init']).default(d.stopScope))
    .addOption(new Option('--runtime <name>', 'OCI runtime').choices(['runc', 'crun']).default(d.runtime))
    .option('--cgroup-parent <name>', 'parent cgroup of every container', d.cgroupParent)
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default(d.logLevel))
    .action(async (o: Record<string, unknown>) => {
      // Loaded only here: the client verbs must not pay for the engine's modules at start-up.
      const { serveDaemon } = await import('../serve.ts');
      await serveDaemon({
        host: o.host as string, dataRoot: o.dataRoot as string, execRoot: o.execRoot as string,
        defaultStopTimeout: o.defaultStopTimeout as number, init: o.init as boolean, initPath: o.initPath as string,
        stopScope: o.stopScope as 'all' | 'init', runtime: o.runtime as string, cgroupParent: o.cgroupParent as string,
        logLevel: o.logLevel as string,
      });
      process.exit(0);
    });
}

function nonNegative(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`must be a whole number of seconds >= 0, not ${v}`);
  return n;
}
