/**
 * `moorage network …` and `moorage volume …` (docker's verbs and flags), and `moorage port`.
 * @module
 */
import type { Command } from 'commander';
import { forEachTarget, type CliContext } from '../context.ts';
import { collect, parseFilters, parseLabels } from '../parse.ts';
import { formatTable } from '../table.ts';
import { compileTemplate } from '../template.ts';

/** Prints objects as JSON, or each through a `--format` template. */
function printObjects(ctx: CliContext, objs: unknown[], format?: string): void {
  if (format && format !== 'json') {
    const t = compileTemplate(format);
    for (const o of objs) ctx.out(`${t.render(o)}\n`);
  } else {
    ctx.out(`${JSON.stringify(objs, null, 4)}\n`);
  }
}

/** Registers `network`, `volume` and `port`. */
export function registerNetworkVerbs(program: Command, ctx: CliContext): void {
  const net = program.command('network').description('Manage networks');
  net.command('create').description('Create a bridge network').argument('<name>')
    .option('-d, --driver <driver>', 'Driver (bridge)', 'bridge')
    .option('--subnet <cidr>', 'Subnet').option('--gateway <ip>', 'Gateway').option('--ip-range <cidr>', 'Range for container addresses')
    .option('--internal', 'No route out of the network')
    .option('--attachable', 'Attachable (accepted for compatibility)')
    .option('-o, --opt <key=value>', 'Driver option; repeatable', collect, [])
    .option('--label <key=value>', 'Label; repeatable', collect, [])
    .action(async (name: string, o: { driver: string; subnet?: string; gateway?: string; ipRange?: string; internal?: boolean; attachable?: boolean; opt: string[]; label: string[] }) => {
      const pool = o.subnet ? [{ Subnet: o.subnet, Gateway: o.gateway, IPRange: o.ipRange }] : [];
      const r = await ctx.client().networks.create({ Name: name, Driver: o.driver, Internal: Boolean(o.internal), Attachable: Boolean(o.attachable),
        IPAM: { Driver: 'default', Config: pool }, Options: parseLabels(o.opt), Labels: parseLabels(o.label) });
      ctx.out(`${r.Id}\n`);
    });
  net.command('ls').alias('list').description('List networks')
    .option('-q, --quiet', 'Only IDs').option('-f, --filter <key=value>', 'Filter; repeatable', collect, [])
    .action(async (o: { quiet?: boolean; filter: string[] }) => {
      const list = await ctx.client().networks.list({ filters: parseFilters(o.filter) });
      if (o.quiet) { for (const n of list) ctx.out(`${n.Id.slice(0, 12)}\n`); return; }
      ctx.out(formatTable([['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], ...list.map((n) => [n.Id.slice(0, 12), n.Name, n.Driver, n.Scope])]));
    });
  net.command('inspect').description('Inspect networks').argument('<network...>')
    .option('-f, --format <format>', 'Template').action(async (names: string[], o: { format?: string }) => {
      printObjects(ctx, await Promise.all(names.map((n) => ctx.client().networks.inspect(n))), o.format);
    });
  net.command('rm').alias('remove').description('Remove networks').argument('<network...>').action(async (names: string[]) => {
    await forEachTarget(ctx, names, async (n) => { await ctx.client().networks.remove(n); return n; });
  });
  net.command('connect').description('Connect a container to a network').argument('<network>').argument('<container>')
    .option('--alias <alias>', 'Alias; repeatable', collect, []).option('--ip <address>', 'Fixed address')
    .action(async (network: string, container: string, o: { alias: string[]; ip?: string }) => {
      await ctx.client().networks.connect(network, container, { Aliases: o.alias, IPAMConfig: o.ip ? { IPv4Address: o.ip } : null });
    });
  net.command('disconnect').description('Disconnect a container from a network').argument('<network>').argument('<container>')
    .option('-f, --force', 'Force').action(async (network: string, container: string, o: { force?: boolean }) => {
      await ctx.client().networks.disconnect(network, container, { force: o.force });
    });
  net.command('prune').description('Remove unused networks').option('-f, --force', 'Do not ask').action(async () => {
    const r = await ctx.client().networks.prune();
    if (r.NetworksDeleted?.length) ctx.out(`Deleted Networks:\n${r.NetworksDeleted.join('\n')}\n`);
  });

  const vol = program.command('volume').description('Manage volumes');
  vol.command('create').description('Create a volume').argument('[name]')
    .option('-d, --driver <driver>', 'Driver (local)', 'local').option('-o, --opt <key=value>', 'Driver option; repeatable', collect, [])
    .option('--label <key=value>', 'Label; repeatable', collect, [])
    .action(async (name: string | undefined, o: { driver: string; opt: string[]; label: string[] }) => {
      const v = await ctx.client().volumes.create({ Name: name, Driver: o.driver, DriverOpts: parseLabels(o.opt), Labels: parseLabels(o.label) });
      ctx.out(`${v.Name}\n`);
    });
  vol.command('ls').alias('list').description('List volumes')
    .option('-q, --quiet', 'Only names').option('-f, --filter <key=value>', 'Filter; repeatable', collect, [])
    .action(async (o: { quiet?: boolean; filter: string[] }) => {
      const { Volumes } = await ctx.client().volumes.list({ filters: parseFilters(o.filter) });
      if (o.quiet) { for (const v of Volumes) ctx.out(`${v.Name}\n`); return; }
      ctx.out(formatTable([['DRIVER', 'VOLUME NAME'], ...Volumes.map((v) => [v.Driver, v.Name])]));
    });
  vol.command('inspect').description('Inspect volumes').argument('<volume...>')
    .option('-f, --format <format>', 'Template').action(async (names: string[], o: { format?: string }) => {
      printObjects(ctx, await Promise.all(names.map((n) => ctx.client().volumes.inspect(n))), o.format);
    });
  vol.command('rm').alias('remove').description('Remove volumes').argument('<volume...>').option('-f, --force', 'Ignore missing ones')
    .action(async (names: string[], o: { force?: boolean }) => {
      await forEachTarget(ctx, names, async (n) => { await ctx.client().volumes.remove(n, { force: o.force }); return n; });
    });
  vol.command('prune').description('Remove unused anonymous volumes (all unused with -a)').option('-a, --all', 'Named ones too')
    .option('-f, --force', 'Do not ask').action(async (o: { all?: boolean }) => {
      const r = await ctx.client().volumes.prune({ all: o.all });
      if (r.VolumesDeleted?.length) ctx.out(`Deleted Volumes:\n${r.VolumesDeleted.join('\n')}\n`);
      ctx.out(`\nTotal reclaimed space: ${r.SpaceReclaimed}B\n`);
    });

  program.command('port').description('List a container\'s published ports, or the host side of one')
    .argument('<container>').argument('[port]', 'PORT[/PROTO]')
    .action(async (container: string, port: string | undefined) => {
      const ins = await ctx.client().containers.inspect(container);
      const ports = ins.NetworkSettings.Ports ?? {};
      const key = port ? (port.includes('/') ? port : `${port}/tcp`) : undefined;
      if (key) {
        const list = ports[key];
        if (!list?.length) {
          ctx.err(`Error: No public port '${key}' published for ${container}\n`);
          ctx.exitCode = 1;
          return;
        }
        for (const b of list) ctx.out(`${b.HostIp}:${b.HostPort}\n`);
        return;
      }
      for (const [k, list] of Object.entries(ports).sort()) for (const b of list ?? []) ctx.out(`${k} -> ${b.HostIp}:${b.HostPort}\n`);
    });
}
