/**
 * Image routes: import (`POST /images/create?fromSrc=-`), list, inspect, remove.
 * @module
 */
import { importImage } from '../../../engine/images/import.ts';
import { removeImage } from '../../../engine/images/remove.ts';
import { imageView, listImages } from '../../../engine/images/view.ts';
import { InvalidParameter, NotFound } from '../../../errors.ts';
import { flag, sendJson, type Ctx, type Route } from '../http.ts';
import { imageInspect, imageSummary } from '../wire.ts';

/** The image name of a wildcard path (`/images/<name...>/json` or `/images/<name...>`). */
function nameOf(ctx: Ctx, suffix: string): string {
  const rest = decodeURIComponent(ctx.params['*'] ?? '');
  return suffix && rest.endsWith(suffix) ? rest.slice(0, -suffix.length) : rest;
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
    const img = await importImage(ctx.daemon, ctx.req, {
      repo: q.get('repo') ?? undefined, tag: q.get('tag') ?? undefined, message: q.get('message') ?? undefined,
      changes: q.getAll('changes'),
    });
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`${JSON.stringify({ status: img.Id })}\n`);
  }],

  ['GET', '/images/json', async (ctx) => {
    sendJson(ctx, 200, listImages(ctx.daemon, flag(ctx.query, 'all')).map(imageSummary));
  }],

  ['GET', '/images/*', async (ctx) => {
    const rest = ctx.params['*'] ?? '';
    if (!rest.endsWith('/json')) throw new NotFound('page not found');
    sendJson(ctx, 200, imageInspect(imageView(ctx.daemon, nameOf(ctx, '/json')), ctx.version));
  }],

  ['DELETE', '/images/*', async (ctx) => {
    sendJson(ctx, 200, await removeImage(ctx.daemon, nameOf(ctx, ''), flag(ctx.query, 'force')));
  }],
];
