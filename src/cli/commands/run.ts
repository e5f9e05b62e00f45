/**
 * `moorage run`: create a container, attach to it, open the wait (before the start, as docker
 * does), start it, and exit with its exit code. `-d` prints the ID instead. Errors of run itself
 * exit 125; a command that cannot be run, 126 or 127 (docker's codes).
 * @module
 */
import type { Command } from 'commander';
import { CliError, describeError, type CliContext } from '../context.ts';
import { collect, parseInteger, parseLabels, parseRestart, resolveEnv, resourceFlags, resourcesFromFlags, type ResourceFlags } from '../parse.ts';
import { localSize, runSession } from '../terminal.ts';
import { parseMountFlag, parsePublish, parseTmpfsFlag, parseVolumeFlag, type Publish } from '../parse-net.ts';
import type { MountRequest } from '../../client/types.ts';
import { MoorageError, NotFound } from '../../client/errors.ts';
import type { ErrorCode } from '../../errors.ts';
import type { ContainerCreateRequest, RestartPolicy } from '../../client/types.ts';

/** Options of `run`, as commander hands them over. */
export interface RunFlags extends ResourceFlags {
  detach?: boolean;
  rm?: boolean;
  name?: string;
  env: string[];
  volume: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  stopSignal?: string;
  stopTimeout?: number;
  restart?: RestartPolicy;
  init?: boolean;
  label: string[];
  publish?: Publish[];
  publishAll?: boolean;
  expose?: string[];
  network?: string;
  networkAlias?: string[];
  ip?: string;
  dns?: string[];
  addHost?: string[];
  hostname?: string;
  mount?: MountRequest[];
  tmpfs?: [string, string][];
  interactive?: boolean;
  tty?: boolean;
  detachKeys?: string;
}

/** Exit code of docker when run itself fails. */
export const RUN_ERROR_EXIT = 125;

/** The flags `run` and `create` share. */
function createFlags(cmd: Command): Command {
  cmd
    .argument('<image>', 'image name or ID (busybox is always there)')
    .argument('[command...]', 'command and arguments (default: the image\'s)')
    .option('--rm', 'Remove the container when it exits')
    .option('--name <name>', 'Name of the container')
    .option('-e, --env <KEY=VALUE>', 'Set an environment variable (KEY alone copies it from this shell); repeatable', collect, [])
    .option('-v, --volume <src:dst[:opts]>', 'Bind a host path (/src), mount a named volume (name), or an anonymous one (/dst alone); repeatable', (v: string, p: string[]) => collect(parseVolumeFlag(v), p), [])
    .option('--mount <spec>', 'Mount: type=bind|volume|tmpfs,source=…,target=…[,readonly]; repeatable', (v: string, p: MountRequest[]) => [...p, parseMountFlag(v)], [])
    .option('--tmpfs <path[:opts]>', 'Mount a tmpfs; repeatable', (v: string, p: [string, string][]) => [...p, parseTmpfsFlag(v)], [])
    .option('-p, --publish <[ip:][host:]port[/proto]>', 'Publish a container port on the host; repeatable', (v: string, p: Publish[]) => [...p, parsePublish(v)], [])
    .option('-P, --publish-all', 'Publish every exposed port on a random host port')
    .option('--expose <port[/proto]>', 'Expose a port; repeatable', collect, [])
    .option('--network <name>', 'Network: bridge (default), host, none or a user network')
    .option('--network-alias <alias>', 'Another name on the network; repeatable', collect, [])
    .option('--ip <address>', 'A fixed IPv4 address on the user network')
    .option('--dns <server>', 'DNS server; repeatable', collect, [])
    .option('--add-host <host:ip>', 'An /etc/hosts entry; repeatable', collect, [])
    .option('--hostname <name>', 'Container host name')
    .option('-w, --workdir <dir>', 'Working directory inside the container')
    .option('-u, --user <user[:group]>', 'User (name or UID, optionally :group) to run as')
    .option('--entrypoint <command>', 'Override the image\'s entrypoint ("" clears it)')
    .option('--stop-signal <signal>', 'Signal that stops the container (default SIGTERM)')
    .option('--stop-timeout <seconds>', 'Seconds a stop waits before SIGKILL (default 10; -1 forever)', parseInteger)
    .option('--restart <policy>', 'Restart policy: no, always, unless-stopped, on-failure[:max-retries]', parseRestart)
    .option('--init', 'Run moorage-init as PID 1 (the daemon default: on); --init=false runs the command as PID 1')
    .option('--no-init', 'Same as --init=false')
    .option('-l, --label <key=value>', 'Set a label; repeatable', collect, [])
    .option('-i, --interactive', 'Keep STDIN open and send it to the container')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('--detach-keys <keys>', 'Key sequence that detaches (default ctrl-p,ctrl-q)');
  return resourceFlags(cmd).passThroughOptions();
}

/** Registers `run` and `create`. */
export function registerRun(program: Command, ctx: CliContext): void {
  createFlags(program.command('run').description('Create and run a new container from an image'))
    .option('-d, --detach', 'Run in the background and print the container ID')
    .action(async (image: string, command: string[], o: RunFlags) => {
      await runContainer(ctx, image, command, o);
    });
  createFlags(program.command('create').description('Create a new container'))
    .action(async (image: string, command: string[], o: RunFlags) => {
      try {
        const { Id } = await ctx.client().containers.create(createRequest(image, command, { ...o, detach: true }, ctx.io.env), { name: o.name });
        ctx.out(`${Id}\n`);
      } catch (err) {
        throw new CliError(describeError(err), RUN_ERROR_EXIT);
      }
    });
}

/** The create body for `run`'s flags. */
export function createRequest(image: string, command: string[], o: RunFlags, env: NodeJS.ProcessEnv,
  consoleSize?: [number, number]): ContainerCreateRequest {
  const stdin = Boolean(o.interactive);
  const body: ContainerCreateRequest = {
    Image: image,
    AttachStdin: stdin && !o.detach,
    AttachStdout: !o.detach,
    AttachStderr: !o.detach,
    Tty: Boolean(o.tty),
    OpenStdin: stdin,
    StdinOnce: stdin && !o.detach,
    HostConfig: { ...resourcesFromFlags(o), ...(o.tty && consoleSize ? { ConsoleSize: consoleSize } : {}) },
  };
  const hc = body.HostConfig!;
  if (command.length) body.Cmd = command;
  if (o.entrypoint !== undefined) body.Entrypoint = [o.entrypoint];
  const envs = resolveEnv(o.env ?? [], env);
  if (envs.length) body.Env = envs;
  if (o.workdir !== undefined) body.WorkingDir = o.workdir;
  if (o.user !== undefined) body.User = o.user;
  if (o.label?.length) body.Labels = parseLabels(o.label);
  if (o.stopSignal !== undefined) body.StopSignal = o.stopSignal;
  if (o.stopTimeout !== undefined) body.StopTimeout = o.stopTimeout;
  if (o.volume?.length) hc.Binds = o.volume;
  if (o.mount?.length) hc.Mounts = o.mount;
  if (o.tmpfs?.length) hc.Tmpfs = Object.fromEntries(o.tmpfs);
  if (o.hostname) body.Hostname = o.hostname;
  if (o.dns?.length) hc.Dns = o.dns;
  if (o.addHost?.length) hc.ExtraHosts = o.addHost;
  if (o.publishAll) hc.PublishAllPorts = true;
  const exposed: Record<string, object> = {};
  for (const e of o.expose ?? []) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
  if (o.publish?.length) {
    const bindings: NonNullable<typeof hc.PortBindings> = {};
    for (const p of o.publish) {
      exposed[p.key] = {};
      (bindings[p.key] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort });
    }
    hc.PortBindings = bindings;
  }
  if (Object.keys(exposed).length) body.ExposedPorts = exposed;
  if (o.network) hc.NetworkMode = o.network;
  if (o.networkAlias?.length || o.ip) {
    const net = o.network ?? 'bridge';
    body.NetworkingConfig = { EndpointsConfig: { [net]: {
      ...(o.networkAlias?.length ? { Aliases: o.networkAlias } : {}), ...(o.ip ? { IPAMConfig: { IPv4Address: o.ip } } : {}),
    } } };
  }
  if (o.rm) hc.AutoRemove = true;
  if (o.restart) hc.RestartPolicy = o.restart;
  if (o.init !== undefined) hc.Init = o.init;
  if (o.rm && o.restart && o.restart.Name !== 'no') {
    throw new CliError('docker: Conflicting options: --restart and --rm.', RUN_ERROR_EXIT);
  }
  return body;
}

/** The exit code docker gives a failed start, from the engine's code: 127 command not found, 126 not executable, else 125. */
export function startFailureExit(code: ErrorCode | undefined): number {
  if (code === 'MOORAGE_COMMAND_NOT_FOUND') return 127;
  if (code === 'MOORAGE_COMMAND_NOT_EXECUTABLE') return 126;
  return RUN_ERROR_EXIT;
}

async function runContainer(ctx: CliContext, image: string, command: string[], o: RunFlags): Promise<void> {
  const body = createRequest(image, command, o, ctx.io.env, localSize(ctx.io));
  const c = ctx.client();
  let id: string;
  try {
    ({ Id: id } = await c.containers.create(body, { name: o.name }));
  } catch (err) {
    if (err instanceof NotFound && /image/i.test(err.message)) ctx.err(`Unable to find image '${image}' locally\n`);
    throw new CliError(describeError(err), RUN_ERROR_EXIT);
  }

  if (o.detach) {
    await startOrFail(ctx, id, o.rm);
    ctx.out(`${id}\n`);
    return;
  }

  let attachment;
  let waiter;
  try {
    attachment = await c.containers.attach(id, { stdin: Boolean(o.interactive), detachKeys: o.detachKeys });
    waiter = await c.containers.waitHandle(id, { condition: o.rm ? 'removed' : 'next-exit' });
  } catch (err) {
    attachment?.close();
    throw new CliError(describeError(err), RUN_ERROR_EXIT);
  }
  const output = runSession(ctx.io, attachment, {
    tty: Boolean(o.tty), stdin: Boolean(o.interactive), detachKeys: o.detachKeys, resize: (size) => c.containers.resize(id, size),
  });

  try {
    await startOrFail(ctx, id, o.rm);
  } catch (err) {
    attachment.close();
    waiter.cancel();
    throw err;
  }

  // Forward SIGINT/SIGTERM to the container, as docker's --sig-proxy does (not to a TTY's: the
  // terminal sends its own).
  const proxy = (sig: NodeJS.Signals) => { c.containers.kill(id, { signal: sig }).catch(() => {}); };
  const proxied = ctx.io.stdin === process.stdin && !o.tty;
  if (proxied) { process.on('SIGINT', proxy); process.on('SIGTERM', proxy); }
  try {
    const outcome = await Promise.race([
      waiter.result.then((status) => ({ status }), (err: unknown) => {
        throw new CliError(`Error waiting for container: ${(err as Error).message}`, RUN_ERROR_EXIT);
      }),
      // Detached with the keys: the container runs on and run exits 0, as docker's.
      output.then((end) => (end.detached ? { status: null } : new Promise<never>(() => {}))),
    ]);
    if (!outcome.status) {
      waiter.cancel();
      return;
    }
    const status = outcome.status;
    await Promise.race([output, new Promise((r) => setTimeout(r, 2000).unref())]);
    attachment.close();
    // docker: an error reported by the wait is printed and makes run exit 125
    if (status.Error?.Message) {
      ctx.err(`Error waiting for container: ${status.Error.Message}\n`);
      ctx.exitCode = RUN_ERROR_EXIT;
    } else {
      ctx.exitCode = status.StatusCode;
    }
  } finally {
    if (proxied) { process.off('SIGINT', proxy); process.off('SIGTERM', proxy); }
  }
}

async function startOrFail(ctx: CliContext, id: string, rm?: boolean): Promise<void> {
  try {
    await ctx.client().containers.start(id);
  } catch (err) {
    // The engine removes an AutoRemove container whose start failed; this covers an engine that does not.
    if (rm) await ctx.client().containers.remove(id, { force: true }).catch(() => {});
    throw new CliError(describeError(err), startFailureExit(err instanceof MoorageError ? err.code : undefined));
  }
}
