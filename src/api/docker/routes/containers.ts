/**
 * Container routes: each parses its request, calls one daemon operation, and writes Docker's
 * response. No lifecycle logic lives here.
 * @module
 */
import { containerLogs, logOffset, parseTail, parseTimestamp } from '../../../engine/containers/logs.ts';
import { attachContainer, prepareAttach } from '../../../engine/containers/attach.ts';
import { resizeContainer, terminalSize } from '../../../engine/containers/resize.ts';
import { createContainer, type CreateBody } from '../../../engine/containers/create.ts';
import { diagnose } from '../../../engine/stop/doctor.ts';
import { killContainer, killSignal } from '../../../engine/containers/kill.ts';
import { listContainers } from '../../../engine/containers/list.ts';
import { pauseContainer, unpauseContainer } from '../../../engine/containers/pause.ts';
import { removeContainer } from '../../../engine/containers/remove.ts';
import { containerSizes } from '../../../engine/disk-usage.ts';
import { pruneContainers } from '../../../engine/containers/prune.ts';
import { renameContainer } from '../../../engine/containers/rename.ts';
import { restartContainer } from '../../../engine/containers/restart.ts';
import { startContainer } from '../../../engine/containers/start.ts';
import { stopContainer } from '../../../engine/containers/stop.ts';
import { parseWaitCondition, waitContainer } from '../../../engine/containers/wait.ts';
import { containerView, getContainer } from '../../../engine/containers/view.ts';
import { InvalidParameter, SystemError, messageOf } from '../../../errors.ts';
import { discardBody, drained, flag, intParam, param, readJson, sendEmpty, sendJson, startStream, type Ctx, type Route } from '../http.ts';
import { formatTimeNano } from '../timestamps.ts';
import { hijack } from '../hijack.ts';
import { checkedBody } from '../checked-body.ts';
import { frame, STREAM } from '../mux.ts';
import { compareVersions } from '../version.ts';
import { containerInspect, containerSummary } from '../wire.ts';

const lookup = (ctx: Ctx) => getContainer(ctx.daemon, param(ctx, 'id'));

/** Stop and restart read `signal` only from API 1.42 on, as moby does. */
function stopOptions(ctx: Ctx) {
  const timeout = intParam(ctx.query, 't');
  const signal = compareVersions(ctx.version, '1.42') >= 0 ? ctx.query.get('signal') || undefined : undefined;
  return { timeout, signal };
}

/** The container routes. */
export const containerRoutes: Route[] = [
  ['POST', '/containers/create', async (ctx) => {
    const body = await checkedBody<CreateBody>('create', await readJson<unknown>(ctx));
    sendJson(ctx, 201, await createContainer(ctx.daemon, ctx.query.get('name') ?? undefined, body));
  }],

  ['GET', '/containers/json', async (ctx) => {
    const list = listContainers(ctx.daemon, {
      all: flag(ctx.query, 'all'), limit: intParam(ctx.query, 'limit'), filters: ctx.query.get('filters') ?? undefined,
    });
    const now = Date.now();
    const withSize = flag(ctx.query, 'size');
    sendJson(ctx, 200, await Promise.all(list.map(async (c) => ({
      ...containerSummary(containerView(ctx.daemon, c, now), ctx.version), ...(withSize ? await containerSizes(ctx.daemon, c) : {}),
    }))));
  }],

  ['POST', '/containers/prune', async (ctx) => {
    await discardBody(ctx);
    sendJson(ctx, 200, await pruneContainers(ctx.daemon, ctx.query.get('filters') ?? undefined));
  }],

  ['POST', '/containers/:id/rename', async (ctx) => {
    const c = lookup(ctx);
    await discardBody(ctx);
    await renameContainer(ctx.daemon, c, ctx.query.get('name') ?? '');
    sendEmpty(ctx, 204);
  }],

  ['GET', '/containers/:id/json', async (ctx) => {
    sendJson(ctx, 200, containerInspect(containerView(ctx.daemon, lookup(ctx)), ctx.version));
  }],

  ['POST', '/containers/:id/start', async (ctx) => {
    const c = lookup(ctx);
    await discardBody(ctx);
    await startContainer(ctx.daemon, c);
    sendEmpty(ctx, 204);
  }],

  ['POST', '/containers/:id/stop', async (ctx) => {
    const c = lookup(ctx);
    const opts = stopOptions(ctx);
    await discardBody(ctx); // dockerode also sends {"t":N} as a body: ignored
    await stopContainer(ctx.daemon, c, opts);
    sendEmpty(ctx, 204);
  }],

  ['POST', '/containers/:id/restart', async (ctx) => {
    const c = lookup(ctx);
    let opts;
    try {
      opts = stopOptions(ctx);
    } catch (err) {
      throw new SystemError(messageOf(err));
    }
    await discardBody(ctx);
    await restartContainer(ctx.daemon, c, opts);
    sendEmpty(ctx, 204);
  }],

  ['POST', '/containers/:id/kill', async (ctx) => {
    const signal = killSignal(ctx.query.get('signal'));
    const c = lookup(ctx);
    await discardBody(ctx);
    await killContainer(ctx.daemon, c, signal);
    sendEmpty(ctx, 204);
  }],

  ['POST', '/containers/:id/pause', async (ctx) => {
    await pauseContainer(ctx.daemon, lookup(ctx));
    sendEmpty(ctx, 204);
  }],

  ['POST', '/containers/:id/unpause', async (ctx) => {
    await unpauseContainer(ctx.daemon, lookup(ctx));
    sendEmpty(ctx, 204);
  }],

  ['POST', '/containers/:id/wait', async (ctx) => {
    const c = lookup(ctx);
    const condition = parseWaitCondition(ctx.query.get('condition'));
    const res = startStream(ctx, 'application/json'); // 200 at once: the CLI waits on it before start
    const result = await waitContainer(c, condition, ctx.abort);
    if (ctx.abort.aborted) return;
    const body = compareVersions(ctx.version, '1.34') >= 0
      ? { StatusCode: result.StatusCode, Error: result.Error ? { Message: result.Error } : null }
      : { StatusCode: result.StatusCode };
    res.end(`${JSON.stringify(body)}\n`);
  }],

  ['GET', '/containers/:id/doctor', async (ctx) => {
    sendJson(ctx, 200, await diagnose(ctx.daemon, lookup(ctx)));
  }],

  ['DELETE', '/containers/:id', async (ctx) => {
    const c = lookup(ctx);
    await removeContainer(ctx.daemon, c, { force: flag(ctx.query, 'force'), volumes: flag(ctx.query, 'v') });
    sendEmpty(ctx, 204);
  }],

  ['GET', '/containers/:id/logs', async (ctx) => {
    const c = lookup(ctx);
    const q = ctx.query;
    const stdout = flag(q, 'stdout');
    const stderr = flag(q, 'stderr');
    if (!stdout && !stderr) throw new InvalidParameter('Bad parameters: you must choose at least one stream');
    const opts = {
      stdout, stderr, follow: flag(q, 'follow'), tail: parseTail(q.get('tail') ?? undefined),
      sinceNano: parseTimestamp(q.get('since') ?? undefined, 'since'), untilNano: parseTimestamp(q.get('until') ?? undefined, 'until'),
    };
    const timestamps = flag(q, 'timestamps');
    const tty = c.config.Tty;
    const res = startStream(ctx, tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
    for await (const r of containerLogs(c, opts, ctx.abort)) {
      const text = timestamps ? `${formatTimeNano(r.timeNano)} ${r.text}` : r.text;
      if (!res.write(tty ? text : frame(r.stream === 'stdout' ? STREAM.stdout : STREAM.stderr, text))) await drained(res);
    }
    res.end();
  }],

  ['POST', '/containers/:id/resize', async (ctx) => {
    const c = lookup(ctx);
    const { rows, cols } = terminalSize(ctx.query.get('h'), ctx.query.get('w'));
    await discardBody(ctx);
    await resizeContainer(ctx.daemon, c, rows, cols);
    sendEmpty(ctx, 200);
  }],

  ['POST', '/containers/:id/attach', async (ctx) => {
    const c = lookup(ctx);
    const q = ctx.query;
    const opts = {
      stdin: flag(q, 'stdin'), stdout: flag(q, 'stdout'), stderr: flag(q, 'stderr'), logs: flag(q, 'logs'),
      stream: flag(q, 'stream'), detachKeys: q.get('detachKeys') ?? undefined,
    };
    const { keys } = prepareAttach(ctx.daemon, c, opts); // refusals are plain HTTP errors, before the hijack
    const from = await logOffset(c);
    const tty = c.config.Tty;
    const conn = hijack(ctx, rawStreamType(ctx, tty));
    await attachContainer(ctx.daemon, c, opts, keys, from, {
      input: conn.input,
      abort: ctx.abort,
      output: async (r) => {
        if (!conn.out.write(tty ? r.text : frame(r.stream === 'stdout' ? STREAM.stdout : STREAM.stderr, r.text))) await drained(conn.out);
      },
    });
    conn.end();
  }],
];

/** Docker's stream type: raw with a TTY; multiplexed without (announced as such from API 1.42). */
function rawStreamType(ctx: Ctx, tty: boolean): string {
  return !tty && compareVersions(ctx.version, '1.42') >= 0 ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream';
}
