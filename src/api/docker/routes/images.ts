/**
 * Image routes: pull and import (`POST /images/create`), commit, push, tag, history, save,
 * load, prune, list, inspect, remove, `POST /auth`, and search (not supported).
 * @module
 */
import { commitContainer } from '../../../engine/containers/commit.ts';
import { getContainer } from '../../../engine/containers/view.ts';
import { importImage } from '../../../engine/images/import.ts';
import { imageHistory } from '../../../engine/images/history.ts';
import { loadImages } from '../../../engine/images/load.ts';
import { login, type LoginRequest } from '../../../engine/images/login.ts';
import { pruneImages } from '../../../engine/images/prune.ts';
import { pullImage } from '../../../engine/images/pull.ts';
import { pushImage } from '../../../engine/images/push.ts';
import { removeImage } from '../../../engine/images/remove.ts';
import { saveImages } from '../../../engine/images/save.ts';
import { tagImage } from '../../../engine/images/tag.ts';
import { imageView, listImages } from '../../../engine/images/view.ts';
import { InvalidParameter, NotFound, NotSupported } from '../../../errors.ts';
import { discardBody, drained, flag, readJson, sendEmpty, sendJson, type Ctx, type Route } from '../http.ts';
import { registryAuth } from '../registry-auth.ts';
import { checkedBody } from '../checked-body.ts';
import { streamProgress } from '../progress-stream.ts';
import { imageInspect, imageSummary } from '../wire.ts';

/** The image name of a wildcard path (`/images/<name...>/json`), without the suffix. */
function nameOf(ctx: Ctx, suffix: string): string {
  const rest = decodeURIComponent(ctx.params['*'] ?? '');
  return suffix && rest.endsWith(suffix) ? rest.slice(0, -suffix.length) : rest;
}

/** Sends an archive stream as `application/x-tar`. */
async function sendTar(ctx: Ctx, data: AsyncIterable<Buffer>): Promise<void> {
  const res = ctx.res!;
  res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  for await (const chunk of data) {
    if (ctx.abort.aborted) return;
    if (!res.write(chunk)) await drained(res);
  }
  res.end();
}

/** The image routes. */
export const imageRoutes: Route[] = [
  ['POST', '/images/create', async (ctx) => {
    const q = ctx.query;
    const fromImage = q.get('fromImage');
    if (fromImage) {
      await discardBody(ctx);
      const auth = registryAuth(ctx.req.headers['x-registry-auth']);
      const ac = new AbortController();
      ctx.abort.addEventListener('abort', () => ac.abort());
      await streamProgress(ctx, async (s) => {
        await pullImage(ctx.daemon, { image: fromImage, tag: q.get('tag') ?? undefined, platform: q.get('platform') || undefined, auth, signal: ac.signal }, (p) => s.write(p));
      });
      return;
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

  ['POST', '/commit', async (ctx) => {
    const q = ctx.query;
    const body = await checkedBody<object>('commit', (await readJson<unknown>(ctx)) ?? {});
    const c = getContainer(ctx.daemon, q.get('container') ?? '');
    const img = await commitContainer(ctx.daemon, c, {
      repo: q.get('repo') || undefined, tag: q.get('tag') || undefined, comment: q.get('comment') ?? undefined,
      author: q.get('author') || undefined, pause: flag(q, 'pause', true), changes: q.getAll('changes'), config: body as object,
    });
    sendJson(ctx, 201, { Id: img.Id });
  }],

  ['GET', '/images/json', async (ctx) => {
    sendJson(ctx, 200, listImages(ctx.daemon, flag(ctx.query, 'all'), ctx.query.get('filters') ?? undefined).map(imageSummary));
  }],

  ['GET', '/images/search', async (ctx) => {
    throw new NotSupported(`image search is not supported by moorage: search the registry itself (asked for ${JSON.stringify(ctx.query.get('term') ?? '')})`);
  }],

  ['GET', '/images/get', async (ctx) => {
    const names = ctx.query.getAll('names').flatMap((n) => n.split(',')).filter(Boolean);
    if (!names.length) throw new InvalidParameter('no image names to save');
    await sendTar(ctx, await saveImages(ctx.daemon, names));
  }],

  ['POST', '/images/load', async (ctx) => {
    const quiet = flag(ctx.query, 'quiet', true);
    await streamProgress(ctx, async (s) => {
      await loadImages(ctx.daemon, ctx.req, (p) => { if (!quiet) s.write(p); }, (line) => s.write({ stream: `${line}\n` }));
    });
  }],

  ['POST', '/images/prune', async (ctx) => {
    await discardBody(ctx);
    sendJson(ctx, 200, await pruneImages(ctx.daemon, ctx.query.get('filters') ?? undefined));
  }],

  ['POST', '/auth', async (ctx) => {
    sendJson(ctx, 200, await login(ctx.daemon, await readJson<LoginRequest>(ctx)));
  }],

  ['POST', '/images/*', async (ctx) => {
    const rest = decodeURIComponent(ctx.params['*'] ?? '');
    if (rest.endsWith('/tag')) {
      await discardBody(ctx);
      await tagImage(ctx.daemon, nameOf(ctx, '/tag'), ctx.query.get('repo') ?? '', ctx.query.get('tag') || undefined);
      sendEmpty(ctx, 201);
      return;
    }
    if (!rest.endsWith('/push')) throw new NotFound('page not found');
    const header = ctx.req.headers['x-registry-auth'];
    const body = await readJson<Record<string, string>>(ctx);
    if (header === undefined && !Object.keys(body).length) throw new InvalidParameter('bad parameters and missing X-Registry-Auth: EOF');
    const auth = header !== undefined ? registryAuth(header) : body;
    await streamProgress(ctx, async (s) => {
      await pushImage(ctx.daemon, { name: nameOf(ctx, '/push'), tag: ctx.query.get('tag') || undefined, auth }, (p) => s.write(p));
    });
  }],

  ['GET', '/images/*', async (ctx) => {
    const rest = decodeURIComponent(ctx.params['*'] ?? '');
    if (rest.endsWith('/history')) return sendJson(ctx, 200, imageHistory(ctx.daemon, nameOf(ctx, '/history')));
    if (rest.endsWith('/get')) return sendTar(ctx, await saveImages(ctx.daemon, [nameOf(ctx, '/get')]));
    if (!rest.endsWith('/json')) throw new NotFound('page not found');
    sendJson(ctx, 200, imageInspect(imageView(ctx.daemon, nameOf(ctx, '/json')), ctx.version));
  }],

  ['DELETE', '/images/*', async (ctx) => {
    sendJson(ctx, 200, await removeImage(ctx.daemon, nameOf(ctx, ''), flag(ctx.query, 'force'), flag(ctx.query, 'noprune')));
  }],
];
