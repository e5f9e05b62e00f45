/**
 * `moorage stop`: stops containers in parallel; on a terminal, a live line per container counts
 * down to SIGKILL. `--report` prints what the stop did to each process (inspect's
 * `State.LastStop`).
 * @module
 */
import type { Command } from 'commander';
import { describeError, type CliContext } from '../context.ts';
import { stopFlags } from '../parse.ts';
import { LiveLines } from '../progress.ts';
import { formatTable } from '../table.ts';
import type { StopReport } from '../../client/types.ts';
import { DEFAULT_STOP_TIMEOUT_S } from '../../client/deadline.ts';

interface StopFlags { time?: number; timeout?: number; signal?: string; report?: boolean; format?: string }

/** Registers `stop`. */
export function registerStop(program: Command, ctx: CliContext): void {
  stopFlags(program.command('stop')
    .description('Stop one or more running containers: the stop signal, then SIGKILL after the timeout')
    .argument('<container...>', 'container names or IDs'), 'Signal to send (default: the container\'s stop signal, else SIGTERM)')
    .option('--report', 'After stopping, print what each process received and how it ended (moorage)')
    .option('--format <format>', 'With --report: "json" prints the report as JSON')
    .action(async (targets: string[], o: StopFlags) => {
      const timeout = o.timeout ?? o.time;
      const c = ctx.client();
      const live = ctx.io.stderrIsTTY ? new StopProgress(ctx, targets) : undefined;
      const results = await Promise.allSettled(targets.map(async (t, i) => {
        if (live) {
          const grace = timeout ?? await c.containers.stopTimeoutOf(t).then((x) => x ?? DEFAULT_STOP_TIMEOUT_S, () => DEFAULT_STOP_TIMEOUT_S);
          live.begin(i, grace);
        }
        const r = await c.containers.stop(t, { timeout, signal: o.signal });
        live?.end(i, r.alreadyStopped ? 'already stopped' : 'stopped');
        const report = o.report ? (await c.containers.inspect(t)).State?.LastStop ?? null : undefined;
        return { report };
      }).map((p, i) => p.catch((err: unknown) => { live?.end(i, 'failed'); throw err; })));
      live?.finish();
      for (const [i, r] of results.entries()) {
        if (r.status === 'rejected') {
          ctx.err(`${describeError(r.reason)}\n`);
          ctx.exitCode = 1;
          continue;
        }
        ctx.out(`${targets[i]}\n`);
        if (r.value.report !== undefined) {
          if (o.format === 'json') ctx.out(`${JSON.stringify(r.value.report)}\n`);
          else ctx.out(formatStopReport(r.value.report));
        }
      }
    });
}

/** The live lines of a multi-container stop, with a countdown to SIGKILL each. */
class StopProgress {
  private readonly lines: LiveLines;
  private readonly state: { deadline?: number; started: number; done?: string; grace?: number }[];
  private readonly width: number;

  constructor(ctx: CliContext, private readonly names: string[]) {
    this.width = Math.max(...names.map((n) => n.length));
    this.state = names.map(() => ({ started: Date.now() }));
    this.lines = new LiveLines(ctx.io.stderr, () => this.refresh(), 250);
    this.refresh();
  }

  begin(i: number, graceSeconds: number): void {
    const s = this.state[i]!;
    s.grace = graceSeconds;
    if (graceSeconds >= 0) s.deadline = s.started + graceSeconds * 1000;
    this.refresh();
  }

  end(i: number, what: string): void {
    const s = this.state[i]!;
    s.done = `${what} after ${((Date.now() - s.started) / 1000).toFixed(1)}s`;
    this.refresh();
    this.lines.draw();
  }

  finish(): void {
    this.lines.done();
  }

  private refresh(): void {
    const now = Date.now();
    this.names.forEach((n, i) => {
      const s = this.state[i]!;
      let text: string;
      if (s.done) text = s.done;
      else if (s.grace === undefined) text = 'stopping…';
      else if (s.deadline === undefined) text = 'stopping… (no timeout: waits for the container)';
      else if (now < s.deadline) text = `stopping… SIGKILL in ${Math.ceil((s.deadline - now) / 1000)}s`;
      else text = 'timeout reached: SIGKILL sent, waiting for the exit…';
      this.lines.set(i, `${n.padEnd(this.width)}  ${text}`);
    });
  }
}

const SOURCE_TEXT: Record<NonNullable<StopReport['signalSource']>, string> = {
  request: 'asked by the stop', container: "the container's StopSignal", image: "the image's STOPSIGNAL", default: 'the default',
};

/** Human rendering of a stop report. */
export function formatStopReport(r: StopReport | null): string {
  if (!r) return '  (no stop report: the daemon did not record one)\n';
  const took = (Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000;
  const head = [`  signal ${r.signal}${r.signalSource ? ` (${SOURCE_TEXT[r.signalSource]})` : ''}`];
  if (r.scope) head.push(r.scope === 'all' ? 'to every process' : 'to PID 1 only');
  if (r.timeout !== undefined) head.push(`timeout ${r.timeout < 0 ? 'none' : `${r.timeout}s`}`);
  if (Number.isFinite(took)) head.push(`took ${took.toFixed(2)}s`);
  if (r.escalated !== undefined) head.push(r.escalated ? 'escalated to SIGKILL' : 'no SIGKILL needed');
  if (r.exitCode !== undefined) head.push(`exit code ${r.exitCode}`);
  const rows = [['PID', 'NSPID', 'COMMAND', 'SIGNAL', 'ENDED']];
  for (const p of r.processes ?? []) {
    const end = p.end;
    let how: string = end;
    if (end === 'exited' && p.exitCode !== undefined) how = `exited (${p.exitCode})`;
    else if (p.killSignal && end !== 'exited') how = `${end} (${p.killSignal})`;
    if (p.endedAt) {
      const after = (Date.parse(p.endedAt) - Date.parse(r.startedAt)) / 1000;
      if (Number.isFinite(after)) how += ` after ${after.toFixed(2)}s`;
    }
    rows.push([String(p.pid), p.nsPid === null || p.nsPid === undefined ? '-' : String(p.nsPid),
      p.command.length > 40 ? `${p.command.slice(0, 39)}…` : p.command, p.signal ?? '-', how]);
  }
  return `${head.join(', ')}\n${formatTable(rows).replace(/^(?=.)/gm, '  ')}`;
}
