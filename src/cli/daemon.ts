/**
 * The `moorage daemon` verb, with dockerd's flag names.
 * @module
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultConfig, registrySettings as settingsFrom } from '../engine/config.ts';

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
    .option('--registry-mirror <url>', 'Docker Hub mirror tried before Docker Hub (repeatable)', collect, [])
    .option('--insecure-registry <host>', 'registry (host:port or CIDR) reached over HTTPS without verification, then HTTP; 127.0.0.0/8 and ::1 always are (repeatable)', collect, [])
    .option('--registry-host <name=url>', 'endpoints for a registry, tried before it, images keeping their names: '
      + 'registry.k8s.io=http://127.0.0.1:5000[,URL...] (repeatable; like containerd\'s hosts.toml)', collect, [])
    .option('--max-concurrent-downloads <n>', 'layers one pull downloads at once', (v) => positive(v), d.maxConcurrentDownloads)
    .option('--max-concurrent-uploads <n>', 'layers one push uploads at once', (v) => positive(v), d.maxConcurrentUploads)
    .action(async (o: Record<string, unknown>) => {
      // Loaded only here: the client verbs must not pay for the engine's modules at start-up.
      const { serveDaemon } = await import('../serve.ts');
      await serveDaemon({
        host: o.host as string, dataRoot: o.dataRoot as string, execRoot: o.execRoot as string,
        defaultStopTimeout: o.defaultStopTimeout as number, init: o.init as boolean, initPath: o.initPath as string,
        stopScope: o.stopScope as 'all' | 'init', runtime: o.runtime as string, cgroupParent: o.cgroupParent as string,
        logLevel: o.logLevel as string,
        registry: registrySettings(o),
        maxConcurrentDownloads: o.maxConcurrentDownloads as number, maxConcurrentUploads: o.maxConcurrentUploads as number,
      });
      process.exit(0);
    });
}

function collect(v: string, all: string[]): string[] {
  return [...all, v];
}

function registrySettings(o: Record<string, unknown>) {
  try {
    return settingsFrom(o.registryMirror as string[], o.insecureRegistry as string[], o.registryHost as string[]);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`must be a whole number >= 1, not ${v}`);
  return n;
}

function nonNegative(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`must be a whole number of seconds >= 0, not ${v}`);
  return n;
}
