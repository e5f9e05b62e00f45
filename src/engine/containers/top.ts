/**
 * `GET /containers/{id}/top`: the host's `ps` with the caller's arguments, cut down to the
 * processes of the container's cgroup (exec'd ones included), as Docker does.
 * @module
 */
import { execFile } from 'node:child_process';
import type { Container } from '../../container/container.ts';
import { Conflict, InvalidParameter, SystemError } from '../../errors.ts';
import type { ContainerTop } from '../../wire/stats.ts';
import type { Engine } from '../engine.ts';
import { taskOf } from './kill.ts';

/** Docker's answer: the column titles and one row of fields per process. */
export type TopResult = ContainerTop;

/** `ps` that takes longer than this is stuck. */
const PS_TIMEOUT_MS = 10_000;

/** Lists the processes of a running container with `ps <psArgs>` (default `-ef`). */
export async function topContainer(d: Engine, c: Container, psArgs = ''): Promise<TopResult> {
  const task = taskOf(d, c);
  if (!c.state.running || !task) throw new Conflict(`Container ${c.id} is not running`, 'MOORAGE_NOT_RUNNING');
  if (c.state.data.Restarting) throw new Conflict(`Container ${c.id} is restarting, wait until the container is running`);
  const args = checkPsArgs(psArgs || '-ef');
  const pids = await d.tasks.pids(task);
  let out: string;
  try {
    out = await ps([...args, '-q', pids.join(',')]);
  } catch {
    // Some ps options (f, for one) refuse -q: ask for everything and filter.
    out = await ps(args).catch((err: Error) => { throw new SystemError(`Error running ps: ${err.message}`); });
  }
  return parsePsOutput(out, pids);
}

/** Docker's check of `ps_args`: only `pid=` may rename the PID column (it is how rows are matched). */
export function checkPsArgs(psArgs: string): string[] {
  for (const m of psArgs.matchAll(/\s+([^\s]*)=\s*(PID[^\s]*)/g)) {
    if (m[1] !== 'pid') throw new InvalidParameter(`specifying "${m[1]}=${m[2]}" is not allowed`);
  }
  return psArgs.split(' ').filter(Boolean);
}

/**
 * Keeps the rows of `ps` output whose PID is one of `pids`, plus the thread rows (PID `-`)
 * that follow a kept row; the last column takes the rest of the line (the command).
 */
export function parsePsOutput(output: string, pids: number[]): TopResult {
  const lines = output.split('\n');
  const titles = fields(lines[0] ?? '');
  const at = titles.indexOf('PID');
  if (at < 0) throw new SystemError("Couldn't find PID field in ps output");
  const keep = new Set(pids);
  const processes: string[][] = [];
  let inside = false;
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const f = fields(line);
    if (f[at] === '-') {
      if (inside) processes.push(row(f, titles.length));
      continue;
    }
    const pid = Number(f[at]);
    if (!Number.isInteger(pid)) throw new SystemError(`Unexpected pid '${f[at]}' in ps output`);
    inside = keep.has(pid);
    if (inside) processes.push(row(f, titles.length));
  }
  return { Titles: titles, Processes: processes };
}

/** ASCII-whitespace fields (a command's own Unicode spaces stay in it). */
function fields(line: string): string[] {
  return line.split(/[ \t\n\v\f\r]+/).filter(Boolean);
}

function row(f: string[], columns: number): string[] {
  return [...f.slice(0, columns - 1), f.slice(columns - 1).join(' ')];
}

function ps(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ps', args, { timeout: PS_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(String(stderr).trim() || err.message));
      else resolve(String(stdout));
    });
  });
}
