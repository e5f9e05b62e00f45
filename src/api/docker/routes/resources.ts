/**
 * A container's processes, usage and limits: `top`, `stats` and `update`.
 * @module
 */
import { containerStats } from '../../../engine/containers/stats.ts';
import { topContainer } from '../../../engine/containers/top.ts';
import { updateContainer, type UpdateBody } from '../../../engine/containers/update.ts';
import { getContainer } from '../../../engine/containers/view.ts';
import { drained, flag, param, readJson, sendJson, startStream, type Ctx, type Route } from '../http.ts';
import { checkedBody } from '../checked-body.ts';

const lookup = (ctx: Ctx) => getContainer(ctx.daemon, param(ctx, 'id'));

/** The routes. */
export const resourceRoutes: Route[] = [
  ['GET', '/containers/:id/top', async (ctx) => {
    sendJson(ctx, 200, await topContainer(ctx.daemon, lookup(ctx), ctx.query.get('ps_args') ?? ''));
  }],

  ['GET', '/containers/:id/stats', async (ctx) => {
    const c = lookup(ctx);
    const stream = flag(ctx.query, 'stream', true);
    const oneShot = flag(ctx.query, 'one-shot');
    if (!stream) {
      // One answer: an ordinary JSON response (with its length, unlike a stream).
      let answer: unknown = null;
      await containerStats(ctx.daemon, c, { stream, oneShot, signal: ctx.abort }, async (s) => { answer = s; });
      sendJson(ctx, 200, answer);
      return;
    }
    const res = startStream(ctx, 'application/json');
    await containerStats(ctx.daemon, c, { stream, oneShot, signal: ctx.abort }, async (s) => {
      if (!res.write(`${JSON.stringify(s)}\n`)) await drained(res);
    });
    res.end();
  }],

  ['POST', '/containers/:id/update', async (ctx) => {
    const c = lookup(ctx);
    sendJson(ctx, 200, await updateContainer(ctx.daemon, c, await checkedBody<UpdateBody>('update', await readJson<unknown>(ctx))));
  }],
];

