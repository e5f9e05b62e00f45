/**
 * The `moorage daemon` verb, with dockerd's flag names.
 * @module
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultConfig, type EngineConfig } from '../engine/config.ts';

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
    .option('--bridge <name>', 'Linux bridge device of the default "bridge" network', d.bridgeName)
    .option('--bip <cidr>', 'address and prefix of the default bridge (its gateway)', d.bip)
    .option('--default-address-pool <base=CIDR,size=N>', 'pool for user networks\' subnets; repeatable', addressPool, [])
    .option('--dns <ip>', 'DNS server for containers that name none; repeatable', (v: string, p: string[]) => [...p, v], [])
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default(d.logLevel))
    .action(async (o: Record<string, unknown>) => {
      // Loaded only here: the client verbs must not pay for the engine's modules at start-up.
      const { serveDaemon } = await import('../serve.ts');
      await serveDaemon({
        host: o.host as string, dataRoot: o.dataRoot as string, execRoot: o.execRoot as string,
        defaultStopTimeout: o.defaultStopTimeout as number, init: o.init as boolean, initPath: o.initPath as string,
        stopScope: o.stopScope as 'all' | 'init', runtime: o.runtime as string, cgroupParent: o.cgroupParent as string,
        logLevel: o.logLevel as string, bridgeName: o.bridge as string, bip: o.bip as string,
        addressPools: (o.defaultAddressPool as EngineConfig['addressPools']).length ? o.defaultAddressPool as EngineConfig['addressPools'] : d.addressPools,
        dns: o.dns as string[],
      });
      process.exit(0);
    });
}

/** `base=10.99.0.0/16,size=24`, dockerd's form. */
function addressPool(v: string, prev: EngineConfig['addressPools']): EngineConfig['addressPools'] {
  const kv = Object.fromEntries(v.split(',').map((p) => p.split('=') as [string, string]));
  const size = Number(kv.size);
  if (!kv.base || !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(kv.base) || !Number.isInteger(size) || size < 8 || size > 30) {
    throw new InvalidArgumentError(`invalid address pool "${v}": want base=CIDR,size=N`);
  }
  return [...prev, { base: kv.base, size }];
}

function nonNegative(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`must be a whole number of seconds >= 0, not ${v}`);
  return n;
}
