/**
 * netavark, podman's network stack, behind one small interface: set up and tear down a
 * sandbox's networks (bridge, veth, addresses, firewall and port-forwarding rules, aardvark-dns
 * entries). Every run of every moorage engine on the host is serialised by one lock file, as
 * podman serialises its own: netavark edits the host's shared iptables chains.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SystemError } from '../errors.ts';
import { runTool, TOOL_TIMEOUT_MS } from './exec.ts';
import { netavarkOptions, parseSetupOutput } from './netavark-options.ts';
import type { SandboxSpec, SetupResult } from './types.ts';

/** Debian's netavark and aardvark-dns (packages `netavark`, `aardvark-dns`): not on PATH. */
export const NETAVARK_PATH = '/usr/lib/podman/netavark';
/** netavark's compiled-in default (/usr/libexec/podman) is wrong on Debian: always pass this one. */
export const AARDVARK_PATH = '/usr/lib/podman/aardvark-dns';
/** The host-wide lock of netavark runs (util-linux flock). */
export const NETAVARK_LOCK = '/run/lock/moorage-netavark.lock';

let lockDir: Promise<unknown> | undefined;
/**
 * The lock's path, its directory made first: systemd makes /run/lock at boot, but a host
 * without it (a container, a chroot with a fresh /run) has none, and flock cannot create it.
 */
export async function netavarkLock(): Promise<string> {
  lockDir ??= mkdir(dirname(NETAVARK_LOCK), { recursive: true, mode: 0o1777 }).catch((err: unknown) => { lockDir = undefined; throw err; });
  await lockDir;
  return NETAVARK_LOCK;
}

/** One engine's netavark: its config directory (aardvark's files live there). */
export class Netavark {
  readonly configDir: string;

  constructor(configDir: string) {
    this.configDir = configDir;
  }

  /** The aardvark-dns config directory (one file per network with DNS). */
  get aardvarkDir(): string {
    return join(this.configDir, 'aardvark-dns');
  }

  /** Sets the sandbox's networks up; on failure netavark has undone its own partial work. */
  async setup(s: SandboxSpec): Promise<SetupResult> {
    if (!s.attachments.length) return {};
    await mkdir(this.configDir, { recursive: true }); // netavark makes aardvark-dns/ in it, not the parents
    try {
      const { stdout } = await this.#run('setup', s);
      return parseSetupOutput(stdout);
    } catch (err) {
      throw explain(err);
    }
  }

  /** Tears the sandbox's networks down: veth, rules, DNS entries, and the bridge when it is the last. */
  async teardown(s: SandboxSpec): Promise<void> {
    if (!s.attachments.length) return;
    try {
      await this.#run('teardown', s);
    } catch (err) {
      throw explain(err);
    }
  }

  async #run(verb: 'setup' | 'teardown', s: SandboxSpec) {
    const lockWait = String(Math.floor(TOOL_TIMEOUT_MS / 2000));
    // -o: the lock's descriptor is not inherited, or the aardvark-dns daemon netavark starts
    // would hold the lock for its whole life and every later run would time out.
    return runTool('flock', ['-o', '-w', lockWait, await netavarkLock(), NETAVARK_PATH, '--config', this.configDir, '-a', AARDVARK_PATH, verb, s.netnsPath],
      JSON.stringify(netavarkOptions(s)), { ...process.env, NETAVARK_FW: 'iptables', RUST_LOG: 'netavark=error' });
  }
}

/** netavark prints `{"error": …}` on stdout when it fails: that is the message worth showing. */
function explain(err: unknown): unknown {
  const stdout = (err as { stdout?: string }).stdout ?? '';
  const m = /"error"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(stdout);
  if (!m) return err;
  return new SystemError(`netavark: ${JSON.parse(`"${m[1]}"`) as string}`, { code: 'MOORAGE_NETWORK_FAILED', cause: err });
}
