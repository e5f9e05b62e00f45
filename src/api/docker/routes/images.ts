/**
 * Image routes: import (`POST /images/create?fromSrc=-`), list, inspect, remove.
 * @module
 */
import { InvalidParameter, NotFound } from '../../../errors.ts';
import { importImage } from '../../../engine/images/import.ts';
import { flag, sendJson, type Ctx } from '../http.ts';
import { imageInspect, imageSummary } from '../wire.ts';
import type { Route } from './containers.ts';

/** The image name of a wildcard path (`/images/<name...>/json` or `/images/<name...>`). */
function nameOf(ctx: Ctx, suffix: string): string {
  const rest = decodeURIComponent(ctx.params['*'] ?? '');
  return suffix && rest.endsWith(suffix) ? rest.slice(0, -suffix.length) : rest;
}

function usedBy(ctx: Ctx, id: string): number {
  return ctx.daemon.containers.all().filter((c) => c.record.Image === id).length;
}

/** The image routes. */
export const imageRoutes: Route[] = [
  ['POST', '/images/create', async (ctx) => {
    const q = ctx.query;
    if (q.get('fromImage')) {
      for await (const _ of ctx.req) { /* discard */ }
      throw new NotFound(`pull access denied for ${q.get('fromImage')}: moorage has no registry client; load images with \`docker import\``);
    }
    if (q.get('fromSrc') !== '-') throw new InvalidParameter('moorage imports from the request body only (fromSrc=-)');
    const img = await importImage(ctx.daemon.images, ctx.req, {
      repo: q.get('repo') ?? undefined, tag: q.get('tag') ?? undefined, message: q.get('message') ?? undefined,
      changes: q.getAll('changes'),
    });
    ctx.daemon.events.publish('image', 'import', img.Id, { name: img.RepoTags[0] ?? img.Id });
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`${JSON.stringify({ status: img.Id })}\n`);
  }],

  ['GET', '/images/json', async (ctx) => {
    const d = ctx.daemon;
    const all = flag(ctx.query, 'all');
    sendJson(ctx, 200, d.images.all().filter((i) => all || i.RepoTags.length || usedBy(ctx, i.Id) === 0)
      .map((i) => imageSummary(i, usedBy(ctx, i.Id))));
  }],

  ['GET', '/images/*', async (ctx) => {
    const rest = ctx.params['*'] ?? '';
    if (!rest.endsWith('/json')) throw new NotFound('page not found');
    sendJson(ctx, 200, imageInspect(ctx.daemon.images.get(nameOf(ctx, '/json'))));
  }],

  ['DELETE', '/images/*', async (ctx) => {
    const d = ctx.daemon;
    const name = nameOf(ctx, '');
    const img = d.images.get(name);
    const result = await d.images.remove(name, usedBy(ctx, img.Id) > 0, flag(ctx.query, 'force'));
    for (const r of result) {
      if (r.Untagged) d.events.publish('image', 'untag', img.Id, { name: r.Untagged });
      if (r.Deleted) d.events.publish('image', 'delete', img.Id, { name });
    }
    sendJson(ctx, 200, result);
  }],
];
