/**
 * Network routes: create, list, inspect, remove, connect, disconnect, prune.
 * @module
 */
import { connectNetwork, disconnectNetwork } from '../../../engine/networks/connect.ts';
import { createNetwork } from '../../../engine/networks/create.ts';
import { pruneNetworks, removeNetwork } from '../../../engine/networks/remove.ts';
import { listNetworks, networkView } from '../../../engine/networks/view.ts';
import type { NetworkConnectRequest, NetworkCreateRequest } from '../../../wire/networks.ts';
import { param, readJson, sendEmpty, sendJson, type Route } from '../http.ts';
import { networkInspect } from '../wire-networks.ts';

/** The network routes. */
export const networkRoutes: Route[] = [
  ['POST', '/networks/create', async (ctx) => {
    sendJson(ctx, 201, await createNetwork(ctx.daemon, await readJson<NetworkCreateRequest>(ctx)));
  }],

  ['GET', '/networks', async (ctx) => {
    sendJson(ctx, 200, listNetworks(ctx.daemon, ctx.query.get('filters') ?? undefined).map((v) => networkInspect(v, false)));
  }],

  ['POST', '/networks/prune', async (ctx) => {
    sendJson(ctx, 200, await pruneNetworks(ctx.daemon, ctx.query.get('filters') ?? undefined));
  }],

  ['GET', '/networks/:id', async (ctx) => {
    sendJson(ctx, 200, networkInspect(networkView(ctx.daemon, param(ctx, 'id')), true));
  }],

  ['DELETE', '/networks/:id', async (ctx) => {
    await removeNetwork(ctx.daemon, param(ctx, 'id'));
    sendEmpty(ctx, 204);
  }],

  ['POST', '/networks/:id/connect', async (ctx) => {
    await connectNetwork(ctx.daemon, param(ctx, 'id'), await readJson<NetworkConnectRequest>(ctx));
    sendEmpty(ctx, 200);
  }],

  ['POST', '/networks/:id/disconnect', async (ctx) => {
    await disconnectNetwork(ctx.daemon, param(ctx, 'id'), await readJson<{ Container?: string; Force?: boolean }>(ctx));
    sendEmpty(ctx, 200);
  }],
];
