/**
 * What a test daemon says about its containers, held against what is really on the host: the
 * runtime's state (runc), the processes, conmon monitors, cgroups, overlay mounts and container
 * directories. For crash tests and the soak: after any crash, every status must be true and
 * nothing may be left over. And a scrub that removes all of it without the daemon, so a failed
 * test still leaves the machine clean.
 * @module
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { call } from './api.ts';
import type { TestDaemon } from './daemon.ts';

const run = promisify(execFile);
const RUNC = '/usr/sbin/runc';
const CGROUPS = '/sys/fs/cgroup';

/** The roots and cgroup parent of a daemon (and of the daemons that ran on them before it). */
export interface DaemonRoots {
  dataRoot: string;
  execRoot: string;
  cgroupParent: string;
}

/** One container as the daemon reports it. */
export interface Reported {
  id: string;
  name: string;
  status: string;
  pid: number;
}

/** The daemon's containers, from list and inspect (one that vanishes meanwhile is left out). */
export async function reported(d: TestDaemon): Promise<Reported[]> {
  const list = JSON.parse((await call(d.socket, 'GET', '/v1.45/containers/json?all=1')).body) as { Id: string }[];
  const out: Reported[] = [];
  for (const { Id } of list) {
    const r = await call(d.socket, 'GET', `/v1.45/containers/${Id}/json`);
    if (r.status !== 200) continue;
    const c = JSON.parse(r.body) as { Id: string; Name: string; State: { Status: string; Pid: number } };
    out.push({ id: c.Id, name: c.Name.replace(/^\//, ''), status: c.State.Status, pid: c.State.Pid });
  }
  return out;
}

/** A process's state letter from /proc (Z for a zombie); null when there is no such process. */
async function procState(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat === null ? null : stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** A live (not zombie) process. */
export async function processAlive(pid: number): Promise<boolean> {
  const st = await procState(pid);
  return st !== null && st !== 'Z';
}

/** The conmon monitors of the daemons on these roots: container id → pids (exec monitors apart). */
export async function monitors(roots: DaemonRoots): Promise<{ tasks: Map<string, number[]>; execs: Map<string, number[]> }> {
  const tasks = new Map<string, number[]>();
  const execs = new Map<string, number[]>();
  const exitDir = join(roots.execRoot, 'exits');
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!argv[0]?.endsWith('conmon')) continue;
    const at = argv.indexOf('--exit-dir');
    if (at < 0 || argv[at + 1] !== exitDir) continue;
    const id = argv[argv.indexOf('-c') + 1] ?? '';
    const into = argv.includes('-e') ? execs : tasks;
    into.set(id, [...into.get(id) ?? [], Number(entry)]);
  }
  return { tasks, execs };
}

/** Container ids that have a cgroup under the parent, in any hierarchy. */
export async function cgroupIds(cgroupParent: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const dir of await cgroupParentDirs(cgroupParent)) {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) ids.add(e.name);
  }
  return ids;
}

async function cgroupParentDirs(cgroupParent: string): Promise<string[]> {
  const hierarchies = await readdir(CGROUPS).catch(() => [] as string[]);
  return [join(CGROUPS, cgroupParent), ...hierarchies.map((h) => join(CGROUPS, h, cgroupParent))];
}

/** Mount points at or below `dir`, as /proc/self/mountinfo lists them. */
export async function mountsBelow(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').map((l) => l.split(' ')[4] ?? '').filter((p) => p === dir || p.startsWith(`${dir}/`));
}

/** runc's view of a container: its status and pid, or null when runc has no state for it. */
async function runcState(execRoot: string, id: string): Promise<{ status: string; pid: number } | null> {
  try {
    const { stdout } = await run(RUNC, ['--root', join(execRoot, 'runc'), 'state', id], { timeout: 10_000 });
    return JSON.parse(stdout) as { status: string; pid: number };
  } catch {
    return null;
  }
}

/**
 * Every way a daemon's account of its containers differs from the host: a status not true to the runtime (a
 * container reported running that runc does not run, or stopped while runc or a process still
 * has it), a container `restarting` or `removing`, and anything left over — a container
 * directory, overlay mount, cgroup, conmon or runtime state that no container accounts for.
 * Empty when all is well.
 */
export async function truthProblems(roots: DaemonRoots, containers: Reported[]): Promise<string[]> {
  const problems: string[] = [];
  const live = new Set<string>();
  const [mon, cgroups, dirs, runcIds, mounts] = await Promise.all([
    monitors(roots), cgroupIds(roots.cgroupParent),
    readdir(join(roots.dataRoot, 'containers')).catch(() => [] as string[]),
    readdir(join(roots.execRoot, 'runc')).catch(() => [] as string[]),
    mountsBelow(join(roots.dataRoot, 'containers')),
  ]);
  for (const c of containers) {
    const what = `${c.name} (${c.id.slice(0, 12)}) is ${c.status}`;
    const rt = await runcState(roots.execRoot, c.id);
    if (c.status === 'running' || c.status === 'paused') {
      live.add(c.id);
      if (rt?.status !== c.status) problems.push(`${what} but runc says ${rt?.status ?? 'nothing'}`);
      else if (rt.pid !== c.pid) problems.push(`${what} with pid ${c.pid} but runc's pid is ${rt.pid}`);
      if (!(await processAlive(c.pid))) problems.push(`${what} but its pid ${c.pid} is not alive`);
      if ((mon.tasks.get(c.id) ?? []).length !== 1) problems.push(`${what} with ${(mon.tasks.get(c.id) ?? []).length} monitors`);
    } else if (c.status === 'restarting' || c.status === 'removing') {
      problems.push(`${what}`); // only ever for a moment
    } else {
      if (rt) problems.push(`${what} but runc says ${rt.status}`);
      if (mon.tasks.has(c.id)) problems.push(`${what} but its monitor runs`);
      if (cgroups.has(c.id)) problems.push(`${what} but its cgroup is there`);
    }
  }
  const known = new Set(containers.map((c) => c.id));
  for (const id of dirs) if (!known.has(id)) problems.push(`orphan container directory ${id}`);
  for (const id of runcIds) if (!live.has(id)) problems.push(`runc state of ${known.has(id) ? 'stopped' : 'unknown'} container ${id}`);
  for (const id of cgroups) if (!live.has(id)) problems.push(`cgroup of ${known.has(id) ? 'stopped' : 'unknown'} container ${id}`);
  for (const [id, pids] of [...mon.tasks, ...mon.execs]) if (!live.has(id)) problems.push(`conmon ${pids.join(',')} of ${known.has(id) ? 'stopped' : 'unknown'} container ${id}`);
  const prefix = join(roots.dataRoot, 'containers');
  for (const m of mounts) {
    const id = m.slice(prefix.length + 1).split('/')[0]!;
    if (!live.has(id) || m !== join(prefix, id, 'rootfs')) problems.push(`mount ${m} of a container that is not running`);
  }
  return problems;
}

/**
 * Polls {@link truthProblems} with what daemon `d` reports until there are none or `ms` has
 * passed (a teardown may still be under way); returns the last ones.
 */
export async function settledTruth(d: TestDaemon, roots: DaemonRoots, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const problems = await truthProblems(roots, await reported(d));
    if (!problems.length || Date.now() > deadline) return problems;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Removes everything the daemons on these roots made, without a daemon: monitors, runtime
 * state, processes and cgroups, mounts, then the roots. For `after` hooks, so even a failed
 * test leaves nothing; touches only what carries these roots' names.
 */
export async function scrub(roots: DaemonRoots): Promise<void> {
  const { tasks, execs } = await monitors(roots);
  for (const pid of [...tasks.values(), ...execs.values()].flat()) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  const runcRoot = join(roots.execRoot, 'runc');
  for (const id of await readdir(runcRoot).catch(() => [] as string[])) {
    await run(RUNC, ['--root', runcRoot, 'delete', '--force', id], { timeout: 30_000 }).catch(() => {});
  }
  for (const dir of await cgroupParentDirs(roots.cgroupParent)) {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (!e.isDirectory()) continue;
      const procs = await readFile(join(dir, e.name, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const pid of procs.split('\n').filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
      }
      await writeFile(join(dir, e.name, 'freezer.state'), 'THAWED').catch(() => {});
    }
  }
  await new Promise((r) => setTimeout(r, 100)); // the killed leave their cgroups
  for (const dir of await cgroupParentDirs(roots.cgroupParent)) {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) await rmdir(join(dir, e.name)).catch(() => {});
    await rmdir(dir).catch(() => {});
  }
  for (const root of [roots.dataRoot, roots.execRoot]) {
    for (const m of (await mountsBelow(root)).sort((a, b) => b.length - a.length)) await run('umount', ['-l', m]).catch(() => {});
    await rm(root, { recursive: true, force: true });
  }
}
