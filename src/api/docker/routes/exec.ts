/**
 * Exec routes: create (`POST /containers/{id}/exec`), start (hijacked, or detached), resize,
 * inspect.
 * @module
 */
import { consoleSize } from '../../../engine/containers/resize.ts';
import { createExec, getExec, inspectExec, prepareExecStart, resizeExec, startExec, type ExecCreateBody } from '../../../engine/containers/exec.ts';
import { terminalSize } from '../../../engine/containers/resize.ts';
import { getContainer } from '../../../engine/containers/view.ts';
import type { ExecInspect } from '../../../wire/containers.ts';
import { drained, param, readJson, sendEmpty, sendJson, type Route } from '../http.ts';
import { checkedBody } from '../checked-body.ts';
import { hijack } from '../hijack.ts';
import { frame, STREAM } from '../mux.ts';
import { compareVersions } from '../version.ts';

/** The exec routes. */
export const execRoutes: Route[] = [
  ['POST', '/containers/:id/exec', async (ctx) => {
    const c = getContainer(ctx.daemon, param(ctx, 'id'));
    sendJson(ctx, 201, await createExec(ctx.daemon, c, await checkedBody<ExecCreateBody>('exec', await readJson<unknown>(ctx))));
  }],

  ['POST', '/exec/:id/start', async (ctx) => {
    const body = await readJson<{ Detach?: unknown; Tty?: unknown; ConsoleSize?: unknown }>(ctx);
    const { exec, container } = prepareExecStart(ctx.daemon, param(ctx, 'id'));
    const size = consoleSize(body.ConsoleSize);
    if (body.Detach === true) {
      await startExec(ctx.daemon, container, exec, { detach: true, consoleSize: size }, null);
      sendEmpty(ctx, 200);
      return;
    }
    const tty = exec.Config.Tty;
    const multiplexed = !tty && compareVersions(ctx.version, '1.42') >= 0;
    const conn = hijack(ctx, multiplexed ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream');
    await startExec(ctx.daemon, container, exec, { detach: false, consoleSize: size }, {
      input: conn.input,
      abort: ctx.abort,
      output: async (r) => {
        const data = tty ? r.text : frame(r.stream === 'stderr' ? STREAM.stderr : STREAM.stdout, r.text);
        if (!conn.out.write(data)) await drained(conn.out);
      },
    });
    conn.end();
  }],

  ['POST', '/exec/:id/resize', async (ctx) => {
    const { rows, cols } = terminalSize(ctx.query.get('h'), ctx.query.get('w'));
    await resizeExec(ctx.daemon, getExec(ctx.daemon, param(ctx, 'id')), rows, cols);
    sendEmpty(ctx, 200);
  }],

  ['GET', '/exec/:id/json', async (ctx) => {
    const e = await inspectExec(ctx.daemon, getExec(ctx.daemon, param(ctx, 'id')));
    const [entrypoint = '', ...args] = e.Config.Cmd;
    const out: ExecInspect = {
      ID: e.ID, Running: e.Running, ExitCode: e.ExitCode,
      ProcessConfig: { tty: e.Config.Tty, entrypoint, arguments: args, privileged: e.Config.Privileged, ...(e.Config.User ? { user: e.Config.User } : {}) },
      OpenStdin: e.Config.AttachStdin, OpenStderr: e.Config.AttachStderr, OpenStdout: e.Config.AttachStdout,
      CanRemove: false, ContainerID: e.ContainerID, DetachKeys: e.Config.DetachKeys, Pid: e.Pid,
    };
    sendJson(ctx, 200, out);
  }],
];
