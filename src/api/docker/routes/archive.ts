/**
 * Routes of a container's files: `HEAD`, `GET` and `PUT /containers/{id}/archive` (`docker
 * cp`), `GET /containers/{id}/export` and `GET /containers/{id}/changes` (`docker diff`). Each
 * parses its request and calls one engine operation.
 * @module
 */
import { archiveContainerPath, statContainerPath, type TarSink } from '../../../engine/containers/archive.ts';
import { extractToContainer } from '../../../engine/containers/archive-extract.ts';
import { containerChanges } from '../../../engine/containers/changes.ts';
import { exportContainer } from '../../../engine/containers/export.ts';
import { getContainer } from '../../../engine/containers/view.ts';
import { drained, flag, param, sendEmpty, sendJson, type Ctx, type Route } from '../http.ts';
import { PATH_STAT_HEADER, pathStatHeader } from '../path-stat.ts';

const lookup = (ctx: Ctx) => getContainer(ctx.daemon, param(ctx, 'id'));
const pathOf = (ctx: Ctx) => ctx.query.get('path') ?? '';

/** The response as a tar stream: 200 and its headers with the first bytes, backpressure after. */
function tarSink(ctx: Ctx): TarSink {
  const res = ctx.res!;
  return {
    signal: ctx.abort,
    async write(chunk) {
      if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      if (!res.write(chunk)) await drained(res);
    },
  };
}

/** The archive, export and changes routes. */
export const archiveRoutes: Route[] = [
  ['HEAD', '/containers/:id/archive', async (ctx) => {
    const stat = await statContainerPath(ctx.daemon, lookup(ctx), pathOf(ctx));
    ctx.res!.writeHead(200, { [PATH_STAT_HEADER]: pathStatHeader(stat) }).end();
  }],

  ['GET', '/containers/:id/archive', async (ctx) => {
    const res = ctx.res!;
    await archiveContainerPath(ctx.daemon, lookup(ctx), pathOf(ctx), tarSink(ctx), (stat) => res.setHeader(PATH_STAT_HEADER, pathStatHeader(stat)));
    res.end();
  }],

  ['PUT', '/containers/:id/archive', async (ctx) => {
    const c = lookup(ctx);
    await extractToContainer(ctx.daemon, c, pathOf(ctx), ctx.req, {
      noOverwriteDirNonDir: flag(ctx.query, 'noOverwriteDirNonDir'), copyUIDGID: flag(ctx.query, 'copyUIDGID'),
    });
    sendEmpty(ctx, 200);
  }],

  ['GET', '/containers/:id/export', async (ctx) => {
    await exportContainer(ctx.daemon, lookup(ctx), tarSink(ctx));
    ctx.res!.end();
  }],

  ['GET', '/containers/:id/changes', async (ctx) => {
    const changes = await containerChanges(ctx.daemon, lookup(ctx));
    sendJson(ctx, 200, changes.length ? changes : null); // moby answers null when nothing changed
  }],
];
