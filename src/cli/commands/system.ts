/**
 * `moorage version`, `moorage info` and `moorage system df`.
 * @module
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { compileTemplate } from '../template.ts';
import { formatHost } from '../../client/host.ts';
import { MAX_API_VERSION } from '../../client/version.ts';
import { humanSize } from '../humanize.ts';
import { formatTable } from '../table.ts';
import type { InfoResponse, VersionResponse } from '../../client/types.ts';
import { VERSION } from '../../version.ts';


/** Registers `version`, `info` and `system df`. */
export function registerSystem(program: Command, ctx: CliContext): void {
  program.command('system')
    .description('Manage moorage')
    .command('df')
    .description('Show disk usage of images and containers')
    .action(async () => {
      const du = await ctx.client().system.df();
      const running = du.Containers.filter((c) => c.State === 'running').length;
      const rw = du.Containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
      const stoppedRw = du.Containers.filter((c) => c.State !== 'running').reduce((n, c) => n + (c.SizeRw ?? 0), 0);
      const usedImages = du.Images.filter((i) => i.Containers > 0);
      const unused = du.Images.filter((i) => i.Containers === 0).reduce((n, i) => n + i.Size, 0);
      const volSize = du.Volumes.reduce((n, v) => n + v.UsageData.Size, 0);
      const idleVol = du.Volumes.filter((v) => v.UsageData.RefCount === 0).reduce((n, v) => n + v.UsageData.Size, 0);
      const pct = (part: number, all: number) => (all ? ` (${Math.round((part / all) * 100)}%)` : '');
      ctx.out(formatTable([
        ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'],
        ['Images', String(du.Images.length), String(usedImages.length), humanSize(du.LayersSize), `${humanSize(unused)}${pct(unused, du.LayersSize)}`],
        ['Containers', String(du.Containers.length), String(running), humanSize(rw), `${humanSize(stoppedRw)}${pct(stoppedRw, rw)}`],
        ['Local Volumes', String(du.Volumes.length), String(du.Volumes.filter((v) => v.UsageData.RefCount > 0).length), humanSize(volSize),
          `${humanSize(idleVol)}${pct(idleVol, volSize)}`],
      ]));
    });

  program.command('version')
    .description('Show the moorage client and engine versions')
    .option('-f, --format <format>', '"json" or a template such as "{{.Server.Version}}"')
    .action(async (o: { format?: string }) => {
      const c = ctx.client();
      const negotiated = await c.apiVersion();
      const client = { Version: VERSION, ApiVersion: negotiated ?? MAX_API_VERSION,
        DefaultAPIVersion: MAX_API_VERSION, Os: process.platform, Arch: process.arch, GoVersion: `node ${process.version}` };
      const server = await c.system.version();
      const all = { Client: client, Server: server };
      if (o.format === 'json') { ctx.out(`${JSON.stringify(all)}\n`); return; }
      if (o.format) { ctx.out(`${compileTemplate(o.format).render(all)}\n`); return; }
      ctx.out(formatVersion(client, server));
    });

  program.command('info')
    .description('Display system-wide information')
    .option('-f, --format <format>', '"json" or a template such as "{{.ContainersRunning}}"')
    .action(async (o: { format?: string }) => {
      const c = ctx.client();
      const info = await c.system.info();
      if (o.format === 'json') { ctx.out(`${JSON.stringify(info)}\n`); return; }
      if (o.format) { ctx.out(`${compileTemplate(o.format).render(info)}\n`); return; }
      ctx.out(formatInfo(info, formatHost(c.transport.address)));
    });
}

function kv(pairs: [string, unknown][], indent: string): string {
  const w = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${indent}${`${k}:`.padEnd(w + 1)}${String(v)}\n`).join('');
}

/** docker-like `version` text. */
export function formatVersion(client: { Version: string; ApiVersion: string; Os: string; Arch: string; GoVersion: string },
  server: VersionResponse): string {
  let s = 'Client:\n' + kv([['Version', client.Version], ['API version', client.ApiVersion],
    ['Runtime', client.GoVersion], ['OS/Arch', `${client.Os}/${client.Arch}`]], ' ');
  s += '\nServer:\n' + kv([['Version', server.Version],
    ['API version', `${server.ApiVersion}${server.MinAPIVersion ? ` (minimum version ${server.MinAPIVersion})` : ''}`],
    ['Git commit', server.GitCommit], ['Built', server.BuildTime], ['OS/Arch', `${server.Os}/${server.Arch}`],
    ['Kernel', server.KernelVersion]], ' ');
  for (const comp of server.Components ?? []) {
    if (comp.Name === 'Engine') continue;
    s += ` ${comp.Name}:\n` + kv([['Version', comp.Version], ...Object.entries(comp.Details ?? {})], '  ');
  }
  return s;
}

/** docker-like `info` text. */
export function formatInfo(info: InfoResponse, host: string): string {
  return 'Server:\n' + kv([
    ['Containers', info.Containers], [' Running', info.ContainersRunning], [' Paused', info.ContainersPaused],
    [' Stopped', info.ContainersStopped], ['Images', info.Images], ['Server Version', info.ServerVersion],
    ['Storage Driver', info.Driver], ['Kernel Version', info.KernelVersion], ['Operating System', info.OperatingSystem],
    ['CPUs', info.NCPU], ['Total Memory', info.MemTotal !== undefined ? humanSize(info.MemTotal) : undefined],
    ['Name', info.Name], ['ID', info.ID], ['Root Dir', info.DockerRootDir], ['Host', host],
  ], ' ');
}
