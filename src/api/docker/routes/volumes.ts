/**
 * Volume routes: create, list, inspect, remove, prune.
 * @module
 */
import { createVolume, inspectVolume, listVolumes, pruneVolumes, removeVolume } from '../../../engine/volumes/operations.ts';
import { NotFound } from '../../../errors.ts';
import type { VolumeCreateRequest } from '../../../wire/volumes.ts';
import { flag, param, readJson, sendEmpty, sendJson, type Route } from '../http.ts';
import { compareVersions } from '../version.ts';
import { volumeJson } from '../wire-networks.ts';

/** The volume routes. */
export const volumeRoutes: Route[] = [
  ['POST', '/volumes/create', async (ctx) => {
    sendJson(ctx, 201, volumeJson(await createVolume(ctx.daemon, await readJson<VolumeCreateRequest>(ctx))));
  }],

  ['GET', '/volumes', async (ctx) => {
    sendJson(ctx, 200, { Volumes: listVolumes(ctx.daemon, ctx.query.get('filters') ?? undefined).map(volumeJson), Warnings: null });
  }],

  ['POST', '/volumes/prune', async (ctx) => {
    // Before API 1.42 a prune removed named volumes too (moby adds `all` for older clients).
    sendJson(ctx, 200, await pruneVolumes(ctx.daemon, ctx.query.get('filters') ?? undefined, compareVersions(ctx.version, '1.42') < 0));
  }],

  ['GET', '/volumes/:name', async (ctx) => {
    sendJson(ctx, 200, volumeJson(inspectVolume(ctx.daemon, param(ctx, 'name'))));
  }],

  ['DELETE', '/volumes/:name', async (ctx) => {
    try {
      await removeVolume(ctx.daemon, param(ctx, 'name'));
    } catch (err) {
      if (!(err instanceof NotFound && flag(ctx.query, 'force'))) throw err;
    }
    sendEmpty(ctx, 204);
  }],
];
