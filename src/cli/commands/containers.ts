/**
 * The simple per-container verbs: kill, restart, wait, rm, pause, unpause and start each take
 * one or more containers, work on them in parallel, echo each as given on success, and exit 1
 * if any failed (docker's behaviour). Also rename and `container prune`.
 * @module
 */
import type { Command } from 'commander';
import { forEachTarget, type CliContext } from '../context.ts';
import { collect, parseFilters, stopFlags } from '../parse.ts';
import { humanSize } from '../humanize.ts';

/** Registers kill, restart, wait, rm, pause and unpause. */
export function registerContainerVerbs(program: Command, ctx: CliContext): void {
  program.command('kill')
    .description('Kill one or more running containers (SIGKILL unless --signal is given)')
    .argument('<container...>', 'container names or IDs')
    .option('-s, --signal <signal>', 'Signal to send, by name or number (TERM, SIGHUP, 9)')
    .action(async (targets: string[], o: { signal?: string }) => {
      await forEachTarget(ctx, targets, async (t) => {
        await ctx.client().containers.kill(t, { signal: o.signal });
        return t;
      });
    });

  stopFlags(program.command('restart')
    .description('Restart one or more containers (stop as `moorage stop` does, then start)')
    .argument('<container...>', 'container names or IDs'), 'Signal to stop the container with (default: its stop signal, else SIGTERM)')
    .action(async (targets: string[], o: { time?: number; timeout?: number; signal?: string }) => {
      await forEachTarget(ctx, targets, async (t) => {
        await ctx.client().containers.restart(t, { timeout: o.timeout ?? o.time, signal: o.signal });
        return t;
      }, { sequential: true });
    });

  program.command('wait')
    .description('Block until one or more containers stop, then print their exit codes')
    .argument('<container...>', 'container names or IDs')
    .option('--condition <condition>', 'not-running (default), next-exit or removed')
    .action(async (targets: string[], o: { condition?: 'not-running' | 'next-exit' | 'removed' }) => {
      await forEachTarget(ctx, targets, async (t) => {
        const r = await ctx.client().containers.wait(t, { condition: o.condition });
        return String(r.StatusCode);
      }, { sequential: true });
    });

  program.command('rm')
    .description('Remove one or more containers')
    .argument('<container...>', 'container names or IDs')
    .option('-f, --force', 'Kill a running container before removing it')
    .option('-v, --volumes', 'Remove anonymous volumes of the container')
    .action(async (targets: string[], o: { force?: boolean; volumes?: boolean }) => {
      await forEachTarget(ctx, targets, async (t) => {
        await ctx.client().containers.remove(t, { force: o.force, volumes: o.volumes });
        return t;
      });
    });

  program.command('pause')
    .description('Pause all processes within one or more containers')
    .argument('<container...>', 'container names or IDs')
    .action(async (targets: string[]) => {
      await forEachTarget(ctx, targets, async (t) => { await ctx.client().containers.pause(t); return t; });
    });

  program.command('unpause')
    .description('Unpause all processes within one or more containers')
    .argument('<container...>', 'container names or IDs')
    .action(async (targets: string[]) => {
      await forEachTarget(ctx, targets, async (t) => { await ctx.client().containers.unpause(t); return t; });
    });

  program.command('start')
    .description('Start one or more stopped containers (detached)')
    .argument('<container...>', 'container names or IDs')
    .action(async (targets: string[]) => {
      await forEachTarget(ctx, targets, async (t) => { await ctx.client().containers.start(t); return t; });
    });

  program.command('rename')
    .description('Rename a container')
    .argument('<container>', 'container name or ID')
    .argument('<new-name>', 'its new name')
    .action(async (container: string, name: string) => {
      await ctx.client().containers.rename(container, name);
    });

  program.command('commit')
    .description("Create a new image from a container's changes")
    .argument('<container>', 'container name or ID')
    .argument('[reference]', 'REPOSITORY[:TAG] of the new image')
    .option('-a, --author <author>', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
    .option('-c, --change <instruction>', 'Apply a Dockerfile instruction (CMD, ENV, LABEL …); repeatable', collect, [])
    .option('-m, --message <message>', 'Commit message')
    .option('-p, --pause', 'Pause the container during commit (the default)', true)
    .option('--no-pause', 'Do not pause the container during commit')
    .action(async (container: string, ref: string | undefined, o: { author?: string; change: string[]; message?: string; pause: boolean }) => {
      const id = await ctx.client().containers.commit(container, { ref, author: o.author, changes: o.change, comment: o.message, pause: o.pause });
      ctx.out(`${id}\n`);
    });

  program.command('container')
    .description('Manage containers')
    .command('prune')
    .description('Remove all stopped containers')
    .option('-f, --force', 'Do not prompt for confirmation (moorage never prompts)')
    .option('--filter <key=value>', 'until=<time or duration>, label=<key[=value]>, label!=<key[=value]>; repeatable', collect, [])
    .action(async (o: { filter: string[] }) => {
      const r = await ctx.client().containers.prune({ filters: parseFilters(o.filter) });
      if (r.ContainersDeleted?.length) ctx.out(`Deleted Containers:\n${r.ContainersDeleted.join('\n')}\n\n`);
      ctx.out(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    });
}
