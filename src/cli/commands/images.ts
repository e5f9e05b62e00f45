/**
 * Image verbs: `images`, `import` (with byte progress on a terminal) and `rmi`.
 * @module
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { CliError, forEachTarget, type CliContext } from '../context.ts';
import { collect, splitRepoTag } from '../parse.ts';
import { compileTemplate } from '../template.ts';
import { alignTabs, formatTable } from '../table.ts';
import { ago, humanSize, shortId } from '../humanize.ts';
import { LiveLines } from '../progress.ts';
import { ProgressPrinter } from '../json-progress.ts';
import type { ImageSummary, ImportProgress } from '../../client/types.ts';

/** The fields an `images --format` template sees (docker's names). */
export interface ImageRow {
  Repository: string;
  Tag: string;
  ID: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
}

/** One row per tag of an image (`<none>` when untagged). */
export function imageRows(images: ImageSummary[], noTrunc = false, now = Date.now()): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const img of images) {
    const tags = img.RepoTags?.filter((t) => t !== '<none>:<none>') ?? [];
    for (const ref of tags.length ? tags : ['<none>:<none>']) {
      const { repo, tag } = splitRepoTag(ref);
      rows.push({
        Repository: repo, Tag: tag ?? '<none>', ID: noTrunc ? img.Id : shortId(img.Id),
        CreatedSince: ago(img.Created, now), CreatedAt: new Date(img.Created * 1000).toISOString(),
        Size: humanSize(img.Size),
      });
    }
  }
  return rows;
}

/** Registers `images`, `import`, `rmi`, `tag`, `history`, `save` and `load`. */
export function registerImages(program: Command, ctx: CliContext): void {
  program.command('tag')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('<source>', 'SOURCE_IMAGE[:TAG]')
    .argument('<target>', 'TARGET_IMAGE[:TAG]')
    .action(async (source: string, target: string) => {
      await ctx.client().images.tag(source, target);
    });

  program.command('history')
    .description('Show the history of an image')
    .argument('<image>', 'image name or ID')
    .option('--no-trunc', 'Do not truncate output')
    .option('-q, --quiet', 'Only show image IDs')
    .action(async (name: string, o: { trunc: boolean; quiet?: boolean }) => {
      const items = await ctx.client().images.history(name);
      const id = (i: string) => (i === '<missing>' || !o.trunc ? i : shortId(i));
      if (o.quiet) {
        for (const h of items) ctx.out(`${id(h.Id)}
`);
        return;
      }
      const cut = (s: string) => (o.trunc && s.length > 45 ? `${s.slice(0, 44)}…` : s);
      ctx.out(formatTable([['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'],
        ...items.map((h) => [id(h.Id), h.Created ? ago(h.Created) : 'N/A', cut(h.CreatedBy.replace(/\s+/g, ' ')), humanSize(h.Size), h.Comment])]));
    });

  program.command('save')
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .argument('<image...>', 'image names or IDs')
    .option('-o, --output <file>', 'Write to a file, instead of STDOUT')
    .action(async (names: string[], o: { output?: string }) => {
      if (!o.output && (ctx.io.stdout as { isTTY?: boolean }).isTTY) {
        throw new CliError('cowardly refusing to save to a terminal. Use the -o flag or redirect', 1);
      }
      const archive = await ctx.client().images.save(names);
      await pipelineAsync(archive, o.output ? createWriteStream(o.output) : ctx.io.stdout, o.output ? {} : { end: false });
    });

  program.command('load')
    .description('Load an image from a tar archive or STDIN')
    .option('-i, --input <file>', 'Read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'Suppress the load output')
    .action(async (o: { input?: string; quiet?: boolean }) => {
      const source = o.input ? createReadStream(o.input) : ctx.io.stdin;
      const p = new ProgressPrinter(ctx.io.stdout, Boolean((ctx.io.stdout as { isTTY?: boolean }).isTTY));
      const lines = await ctx.client().images.load(source, { onProgress: o.quiet ? undefined : (m) => { if (!m.stream) p.handle(m); } });
      p.done();
      for (const l of lines) ctx.out(`${l}
`);
    });

  program.command('images')
    .description('List images')
    .option('-q, --quiet', 'Only print image IDs')
    .option('--format <format>', '"table", "json" (one object per line) or a template such as "{{.Repository}}:{{.Tag}}"')
    .option('--no-trunc', 'Do not truncate image IDs')
    .action(async (o: { quiet?: boolean; format?: string; trunc: boolean }) => {
      const rows = imageRows(await ctx.client().images.list(), !o.trunc);
      if (o.quiet) {
        for (const id of new Set(rows.map((r) => r.ID))) ctx.out(`${id}\n`);
      } else if (o.format === 'json') {
        for (const r of rows) ctx.out(`${JSON.stringify(r)}\n`);
      } else if (o.format && o.format !== 'table') {
        const t = compileTemplate(o.format);
        const lines = rows.map((r) => t.render(r));
        if (t.table) ctx.out(alignTabs([t.header({ ID: 'IMAGE ID', CreatedSince: 'CREATED' }), ...lines]));
        else for (const l of lines) ctx.out(`${l}\n`);
      } else {
        ctx.out(formatTable([['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'],
          ...rows.map((r) => [r.Repository, r.Tag, r.ID, r.CreatedSince, r.Size])]));
      }
    });

  program.command('import')
    .description('Import a root filesystem tarball to create an image')
    .argument('<file>', 'tarball path, or - to read it from stdin')
    .argument('[reference]', 'REPOSITORY[:TAG] of the new image')
    .option('-c, --change <instruction>', 'Apply a Dockerfile instruction (CMD, ENV, WORKDIR …); repeatable', collect, [])
    .option('-m, --message <message>', 'Commit message for the imported image')
    .action(async (file: string, reference: string | undefined, o: { change: string[]; message?: string }) => {
      let source: Readable;
      let total: number | undefined;
      if (file === '-') {
        source = ctx.io.stdin;
      } else {
        if (/^https?:\/\//.test(file)) throw new CliError('Error: importing from a URL is not supported; download the file first', 1);
        try {
          total = (await stat(file)).size;
        } catch {
          throw new CliError(`open ${file}: no such file or directory`, 1);
        }
        source = createReadStream(file);
      }
      const live = ctx.io.stderrIsTTY ? new LiveLines(ctx.io.stderr) : undefined;
      let layers = 0;
      const show = (bytes: number) => live?.set(0, `Importing ${humanSize(bytes)}${total ? ` / ${humanSize(total)}` : ''}`
        + (layers ? `, ${layers} layer${layers > 1 ? 's' : ''}` : ''));
      let sent = 0;
      const r = await ctx.client().images.import(source, {
        repo: reference, changes: o.change.length ? o.change : undefined, message: o.message,
        onUpload: (n) => { sent = n; show(n); },
        onProgress: (p: ImportProgress) => { if (p.id || /layer/i.test(p.status ?? '')) { layers++; show(sent); } },
      });
      if (live) { live.set(0, `Imported ${humanSize(r.bytes)}`); live.done(); }
      ctx.out(`${r.id ?? r.messages.at(-1)?.status ?? ''}\n`);
    });

  program.command('rmi')
    .description('Remove one or more images')
    .argument('<image...>', 'image names or IDs')
    .option('-f, --force', 'Force removal of the image')
    .option('--no-prune', 'Do not delete untagged parents')
    .action(async (names: string[], o: { force?: boolean; prune: boolean }) => {
      await forEachTarget(ctx, names, async (n) => {
        const items = await ctx.client().images.remove(n, { force: o.force, noprune: !o.prune });
        const lines = items.map((i) => i.Untagged ? `Untagged: ${i.Untagged}` : `Deleted: ${i.Deleted}`);
        return lines.length ? lines.join('\n') : undefined;
      }, { sequential: true });
    });
}
