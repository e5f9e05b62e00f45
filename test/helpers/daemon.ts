/**
 * Test harness: starts a real moorage daemon on its own socket and roots, and drives it with
 * the real docker CLI. Every daemon started here is torn down with its containers, even when
 * the test fails (call `stop` from `after`).
 * @module
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/moorage.mjs', import.meta.url));
const BUILD = fileURLToPath(new URL('../../scripts/build.sh', import.meta.url));

/**
 * The daemon runs the compiled sources: compile them first if a source changed since (a no-op
 * otherwise), once per test process, so a test never runs yesterday's engine.
 */
let built: Promise<void> | null = null;
function ensureBuilt(): Promise<void> {
  built ??= new Promise((resolve, reject) => execFile('bash', [BUILD], (err, _out, stderr) =>
    (err ? reject(new Error(`build failed: ${stderr}`)) : resolve())));
  return built;
}

/**
 * Each test daemon gets a slot of its own, claimed by creating a file exclusively (concurrent
 * test processes cannot take the same one): its default bridge device `mtb<slot>`, its subnet
 * `10.<150+slot>.0.0/24`, and the rest of that /16 for its user networks, so parallel daemons
 * never share a bridge or a subnet. A slot whose owner process is gone is taken over.
 */
const SLOTS_DIR = join(tmpdir(), 'moorage-test-slots');
const SLOT_COUNT = 100;

async function claimSlot(): Promise<{ slot: number; release: () => Promise<void> }> {
  await mkdir(SLOTS_DIR, { recursive: true });
  for (let round = 0; round < 2; round++) {
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const path = join(SLOTS_DIR, String(slot));
      if (round === 1) {
        const owner = Number(await readFile(path, 'utf8').catch(() => '0'));
        if (owner && alive(owner)) continue;
        await rm(path, { force: true });
      }
      try {
        const fh = await open(path, 'wx');
        await fh.writeFile(String(process.pid));
        await fh.close();
        return { slot, release: () => rm(path, { force: true }) };
      } catch { /* taken */ }
    }
  }
  throw new Error('no free test network slot');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The daemon flags of a network slot. */
export function slotFlags(slot: number): string[] {
  const b = 150 + slot;
  return ['--bridge', `mtb${slot}`, '--bip', `10.${b}.0.1/24`, '--default-address-pool', `base=10.${b}.0.0/16,size=24`, '--dns', '127.0.0.1'];
}

/** A running test daemon. */
export interface TestDaemon {
  /** Path of the daemon's unix socket. */
  socket: string;
  /** `unix://` address for DOCKER_HOST. */
  host: string;
  /** The daemon's process id. */
  pid: number;
  dataRoot: string;
  execRoot: string;
  /**
   * The daemon's own parent cgroup: daemons of concurrent tests never share one, so one's
   * shutdown cannot remove the parent while another creates a container in it.
   */
  cgroupParent: string;
  /** Its network slot: default bridge `mtb<slot>`, subnets `10.<150+slot>.x.0/24`. */
  slot: number;
  /** Output the daemon wrote so far (for failure messages). */
  output(): string;
  /** Runs the docker CLI against this daemon. Never rejects: look at `code`. */
  docker(args: string[], opts?: { timeoutMs?: number; input?: string }): Promise<CliResult>;
  /** Runs the moorage CLI against this daemon. Never rejects: look at `code`. */
  moorage(args: string[], opts?: { timeoutMs?: number; input?: string }): Promise<CliResult>;
  /** The docker CLI with bytes in and out (tars on stdin and stdout). Never rejects. */
  dockerBytes(args: string[], input?: Buffer): Promise<BinaryResult>;
  /** The moorage CLI with bytes in and out. Never rejects. */
  moorageBytes(args: string[], input?: Buffer): Promise<BinaryResult>;
  /**
   * Waits (at most `ms`) until the container's output contains `text`: how a test knows a
   * shell has installed its traps before it is signalled.
   */
  waitForLog(id: string, text: string, ms?: number): Promise<void>;
  /** Removes every container, stops the daemon and deletes its roots. */
  stop(): Promise<void>;
  /** Stops the daemon process only; containers keep running under their monitors. */
  stopDaemonOnly(): Promise<void>;
  /** SIGKILLs the daemon process, as a crash would; containers keep running under their monitors. */
  crash(): Promise<void>;
}

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a CLI run printed, its output as bytes. */
export interface BinaryResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Options for {@link startDaemon}. */
export interface StartOptions {
  /** Extra daemon flags. */
  args?: string[];
  /** Reuse these roots (to test a restart); otherwise fresh temporary ones. */
  dataRoot?: string;
  execRoot?: string;
  /** Reuse this network slot (a restart on the same roots must keep its bridge and subnet). */
  slot?: number;
}

/** Starts a daemon with fresh roots under the temporary directory and waits until it answers. */
export async function startDaemon(opts: StartOptions = {}): Promise<TestDaemon> {
  await ensureBuilt();
  const base = await mkdtemp(join(tmpdir(), 'moorage-test-'));
  const dataRoot = opts.dataRoot ?? join(base, 'data');
  const execRoot = opts.execRoot ?? join(base, 'exec');
  const socket = join(base, 'moorage.sock');
  const host = `unix://${socket}`;
  // Derived from the data root, so a daemon restarted on the same roots finds its containers.
  const cgroupParent = `moorage-test-${createHash('sha256').update(dataRoot).digest('hex').slice(0, 12)}`;
  const claimed = opts.slot === undefined ? await claimSlot() : { slot: opts.slot, release: async () => {} };
  // Upstream DNS is 127.0.0.1 (nothing listens): no lookup a test makes ever leaves the machine.
  const child = spawn(process.execPath, [BIN, 'daemon', '-H', host, '--data-root', dataRoot,
    '--exec-root', execRoot, '--cgroup-parent', cgroupParent, ...slotFlags(claimed.slot), ...(opts.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; if (process.env.ECHO_DAEMON) process.stderr.write(d); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  try {
    await waitForPing(socket, child, 20_000);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await rm(base, { recursive: true, force: true });
    await claimed.release();
    throw new Error(`daemon did not start: ${(err as Error).message}\n${out}`);
  }
  const env = { ...process.env, DOCKER_HOST: host, MOORAGE_HOST: host };
  const run = (cmd: string, args: string[], o: { timeoutMs?: number; input?: string } = {}) =>
    runCli(cmd, args, env, o.timeoutMs ?? 60_000, o.input);
  const daemon: TestDaemon = {
    socket, host, pid: child.pid!, dataRoot, execRoot, cgroupParent, slot: claimed.slot,
    output: () => out,
    docker: (args, o) => run('docker', args, o),
    moorage: (args, o) => run(process.execPath, [BIN, ...args], o),
    dockerBytes: (args, input) => runBytes('docker', args, env, input),
    moorageBytes: (args, input) => runBytes(process.execPath, [BIN, ...args], env, input),
    async stop() {
      if (running()) {
        const ids = (await daemon.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
        if (ids.length) await daemon.docker(['rm', '-f', ...ids]);
      }
      await daemon.stopDaemonOnly();
      await rm(base, { recursive: true, force: true });
      await claimed.release();
    },
    async waitForLog(id, text, ms = 15_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const r = await daemon.docker(['logs', id]);
        if (r.stdout.includes(text) || r.stderr.includes(text)) return;
        if (Date.now() > deadline) throw new Error(`container ${id} did not print "${text}" within ${ms} ms: ${JSON.stringify(r)}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    async stopDaemonOnly() {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
    async crash() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
  };
  return daemon;
}

function runCli(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeout: number,
  input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = execFile(cmd, args, { env, timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number'
        ? (err as { code: number }).code : 255) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) p.stdin!.end(input); else p.stdin!.end();
  });
}

function runBytes(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: Buffer): Promise<BinaryResult> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env });
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stderr.on('data', (c) => { err += c; });
    p.stdin.on('error', () => {}); // the command did not read all of its input
    p.stdin.end(input);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
  });
}

async function waitForPing(socket: string, child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`daemon exited with ${child.exitCode}`);
    if (await ping(socket)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for /_ping');
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

let cliApi: Promise<string> | undefined;
/**
 * The API version of the docker CLI on PATH (1.41 for Debian's 20.10, what a fresh machine
 * gets; 1.42 and later for 23+): some requests and outputs differ between them, as against dockerd.
 */
export function dockerCliApi(): Promise<string> {
  cliApi ??= new Promise((resolve, reject) => execFile('docker', ['version', '-f', '{{.Client.APIVersion}}'], (err, stdout) =>
    (err && !stdout ? reject(err) : resolve(stdout.trim()))));
  return cliApi;
}

/** Whether the docker CLI on PATH speaks at least API `v` (e.g. '1.42'). */
export async function cliAtLeast(v: string): Promise<boolean> {
  const [a, b] = (await dockerCliApi()).split('.').map(Number);
  const [x, y] = v.split('.').map(Number);
  return a! > x! || (a === x && b! >= y!);
}
