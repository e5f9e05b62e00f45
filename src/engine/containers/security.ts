/**
 * A container's confinement from its HostConfig, by Docker's rules: capabilities (`CapAdd`,
 * `CapDrop`, `Privileged`), `no-new-privileges` and seccomp (`SecurityOpt`), a read-only root,
 * rlimits (`Ulimits`), `OomScoreAdj`, `Sysctls`, `Devices`, `DeviceCgroupRules`, `ShmSize`,
 * `GroupAdd`, and the host's UTS or IPC namespace. Checked at create (a 400 for what Docker
 * refuses), turned into the spec's terms at start.
 * @module
 */
import { statSync } from 'node:fs';
import { release } from 'node:os';
import { InvalidParameter } from '../../errors.ts';
import { ALL_CAPS, availableCaps, DEFAULT_CAPS } from '../../runtime/capabilities.ts';
import type { DeviceNode, DeviceRule, SecuritySpec } from '../../runtime/bundle.ts';
import { defaultProfile, ociSeccomp, parseProfile } from '../../runtime/seccomp.ts';
import { hostDevices, splitDev } from '../../runtime/devices.ts';

/** The HostConfig fields this module reads. */
export const SECURITY_FIELDS = ['CapAdd', 'CapDrop', 'Privileged', 'SecurityOpt', 'ReadonlyRootfs', 'Ulimits', 'OomScoreAdj',
  'Sysctls', 'Devices', 'DeviceCgroupRules', 'ShmSize', 'GroupAdd', 'UTSMode', 'IpcMode', 'MaskedPaths', 'ReadonlyPaths'] as const;

/** Docker's `/dev/shm` size. */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

const RLIMITS = ['as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss',
  'rtprio', 'rttime', 'sigpending', 'stack'];

/** Sysctls a container may set in its own namespaces (moby's `ValidateSysctl`). */
const NAMESPACED_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall',
  'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced', 'kernel.domainname', 'kernel.hostname']);
const NAMESPACED_PREFIXES = ['fs.mqueue.', 'net.'];

type HC = Readonly<Record<string, unknown>>;

/**
 * The capability set Docker gives (moby's `TweakCapabilities`): privileged gets all; `ALL`
 * added gives all but the dropped; `ALL` dropped gives only the added; else the default set less
 * the dropped, plus the added. "All" is what this engine holds itself.
 */
export function capabilitiesOf(hc: HC): string[] {
  const all = availableCaps();
  if (hc.Privileged === true) return [...all];
  const add = capList(hc.CapAdd, 'CapAdd');
  const drop = capList(hc.CapDrop, 'CapDrop');
  let set: Set<string>;
  if (add.includes('ALL')) set = new Set(all.filter((c) => !drop.includes(c)));
  else if (drop.includes('ALL')) set = new Set(add);
  else set = new Set([...DEFAULT_CAPS.filter((c) => !drop.includes(c)), ...add]);
  return ALL_CAPS.filter((c) => set.has(c));
}

function capList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new InvalidParameter(`${field} must be a list of capability names`);
  return v.map((name: string) => {
    const up = name.toUpperCase();
    if (up === 'ALL') return 'ALL';
    const cap = up.startsWith('CAP_') ? up : `CAP_${up}`;
    if (!ALL_CAPS.includes(cap)) throw new InvalidParameter(`unknown capability: "${cap}"`);
    return cap;
  });
}

/** What `SecurityOpt` asks for. */
export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** `default`, `unconfined`, or a profile's JSON. */
  seccomp: 'default' | 'unconfined' | string;
}

/** Parses `SecurityOpt` (`no-new-privileges[:true|false]`, `seccomp=…`; AppArmor and SELinux are not on this host). */
export function securityOptions(hc: HC): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, seccomp: 'default' };
  const opts = hc.SecurityOpt;
  if (opts === undefined || opts === null) return out;
  if (!Array.isArray(opts) || opts.some((o) => typeof o !== 'string')) throw new InvalidParameter('SecurityOpt must be a list of strings');
  for (const opt of opts as string[]) {
    const m = /^([a-z-]+)(?:[=:](.*))?$/s.exec(opt);
    const [key, value] = m ? [m[1]!, m[2]] : ['', undefined];
    if (key === 'no-new-privileges') {
      if (value !== undefined && !['true', 'false'].includes(value)) throw new InvalidParameter(`invalid --security-opt 2: "${opt}"`);
      out.noNewPrivileges = value !== 'false';
    } else if (key === 'seccomp' && value) {
      if (value === 'unconfined' || value === 'builtin') out.seccomp = value === 'builtin' ? 'default' : 'unconfined';
      else out.seccomp = JSON.stringify(parseProfile(value));
    } else if ((key === 'apparmor' && value === 'unconfined') || (key === 'label' && (value === 'disable' || value === 'disabled'))) {
      // Nothing to turn off: moorage applies no AppArmor or SELinux confinement.
    } else {
      throw new InvalidParameter(`SecurityOpt "${opt}" is not supported by moorage (it applies no-new-privileges and seccomp; no AppArmor or SELinux)`);
    }
  }
  return out;
}

/** Checks every confinement field by Docker's rules (called at create: a 400 stores nothing). */
export function checkSecurity(hc: HC, hostNetwork: boolean): void {
  capabilitiesOf(hc);
  securityOptions(hc);
  rlimitsOf(hc);
  sysctlsOf(hc, hostNetwork);
  deviceRulesOf(hc);
  devicesOf(hc);
  shmSizeOf(hc);
  const oom = hc.OomScoreAdj;
  if (oom !== undefined && oom !== null && (!Number.isInteger(oom) || (oom as number) < -1000 || (oom as number) > 1000)) {
    throw new InvalidParameter(`Invalid value ${String(oom)}, range for oom score adj is [-1000, 1000]`);
  }
  for (const [field, allowed] of [['UTSMode', ['', 'host']], ['IpcMode', ['', 'private', 'shareable', 'host']]] as const) {
    const v = hc[field] ?? '';
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      throw new InvalidParameter(`${field} "${String(v)}" is not supported by moorage (${allowed.filter(Boolean).join(', ')} or empty)`);
    }
  }
  for (const field of ['MaskedPaths', 'ReadonlyPaths', 'GroupAdd'] as const) {
    const v = hc[field];
    if (v !== undefined && v !== null && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) throw new InvalidParameter(`${field} must be a list of strings`);
  }
}

/** `Ulimits` as the spec's rlimits. */
export function rlimitsOf(hc: HC): { type: string; soft: number; hard: number }[] {
  const v = hc.Ulimits;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InvalidParameter('Ulimits must be a list');
  return v.map((u: { Name?: unknown; Soft?: unknown; Hard?: unknown }) => {
    const name = String(u?.Name ?? '');
    if (!RLIMITS.includes(name)) throw new InvalidParameter(`invalid ulimit type: ${name}`);
    if (!Number.isSafeInteger(u.Soft) || !Number.isSafeInteger(u.Hard)) throw new InvalidParameter(`invalid ulimit ${name}: Soft and Hard must be integers`);
    if ((u.Soft as number) > (u.Hard as number) && (u.Hard as number) >= 0) {
      throw new InvalidParameter(`ulimit soft limit must be less than or equal to hard limit: ${String(u.Soft)} > ${String(u.Hard)}`);
    }
    return { type: `RLIMIT_${name.toUpperCase()}`, soft: u.Soft as number, hard: u.Hard as number };
  });
}

/** `Sysctls`: only those of the container's own namespaces (net.* not with the host's network). */
export function sysctlsOf(hc: HC, hostNetwork: boolean): Record<string, string> {
  const v = hc.Sysctls;
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidParameter('Sysctls must be an object of strings');
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new InvalidParameter(`sysctl '${k}' must have a string value`);
    const namespaced = NAMESPACED_SYSCTLS.has(k) || NAMESPACED_PREFIXES.some((p) => k.startsWith(p));
    if (!namespaced) throw new InvalidParameter(`sysctl '${k}' is not allowed`);
    if (hostNetwork && k.startsWith('net.')) throw new InvalidParameter(`sysctl '${k}' not allowed in host network namespace`);
  }
  return v as Record<string, string>;
}

function devicesIn(hc: HC): { PathOnHost?: unknown; PathInContainer?: unknown; CgroupPermissions?: unknown }[] {
  const v = hc.Devices;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InvalidParameter('Devices must be a list');
  return v;
}

function devicePath(d: { PathOnHost?: unknown }, field: 'PathOnHost'): string {
  const p = d?.[field];
  if (typeof p !== 'string' || !p.startsWith('/')) throw new InvalidParameter(`device ${field} must be an absolute path`);
  return p;
}

/** `Devices`: each host device node, made in the container with its cgroup permission. */
export function devicesOf(hc: HC): { nodes: DeviceNode[]; rules: DeviceRule[] } {
  const nodes: DeviceNode[] = [];
  const rules: DeviceRule[] = [];
  for (const d of devicesIn(hc)) {
    const host = devicePath(d, 'PathOnHost');
    const st = statSync(host, { throwIfNoEntry: false });
    if (!st || !(st.isCharacterDevice() || st.isBlockDevice())) throw new InvalidParameter(`error gathering device information while adding custom device "${host}": not a device node`);
    const type = st.isCharacterDevice() ? 'c' : 'b';
    const { major, minor } = splitDev(st.rdev);
    const access = typeof d.CgroupPermissions === 'string' && d.CgroupPermissions ? d.CgroupPermissions : 'rwm';
    if (!/^[rwm]{1,3}$/.test(access)) throw new InvalidParameter(`invalid device cgroup permissions "${access}"`);
    const inside = typeof d.PathInContainer === 'string' && d.PathInContainer ? d.PathInContainer : host;
    nodes.push({ path: inside, type, major, minor, fileMode: st.mode & 0o777, uid: st.uid, gid: st.gid });
    rules.push({ allow: true, type, major, minor, access });
  }
  return { nodes, rules };
}

/** `DeviceCgroupRules` (`c 1:3 rwm`, `b *:* m`). */
export function deviceRulesOf(hc: HC): DeviceRule[] {
  const v = hc.DeviceCgroupRules;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InvalidParameter('DeviceCgroupRules must be a list');
  return v.map((rule: unknown) => {
    const m = typeof rule === 'string' ? /^([acb]) (\d+|\*):(\d+|\*) ([rwm]{1,3})$/.exec(rule) : null;
    if (!m) throw new InvalidParameter(`invalid device cgroup rule format: '${String(rule)}'`);
    const num = (x: string) => (x === '*' ? undefined : Number(x));
    return { allow: true, type: m[1]!, major: num(m[2]!), minor: num(m[3]!), access: m[4]! };
  });
}

/** `ShmSize` in bytes (0: Docker's 64 MB). */
export function shmSizeOf(hc: HC): number {
  const v = hc.ShmSize;
  if (v === undefined || v === null || v === 0) return DEFAULT_SHM_SIZE;
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new InvalidParameter('SHM size can not be less than 0');
  return v as number;
}

/** Everything the spec needs, at start. */
export function securitySpec(hc: HC, hostNetwork: boolean): SecuritySpec {
  const privileged = hc.Privileged === true;
  const capabilities = capabilitiesOf(hc);
  const opts = securityOptions(hc);
  const devices = devicesOf(hc);
  const seccomp = privileged || opts.seccomp === 'unconfined' ? null
    : ociSeccomp(opts.seccomp === 'default' ? defaultProfile() : parseProfile(opts.seccomp), capabilities, process.arch, release());
  const list = (v: unknown) => (Array.isArray(v) ? v as string[] : null);
  return {
    capabilities, privileged, seccomp, noNewPrivileges: opts.noNewPrivileges,
    readonlyRootfs: hc.ReadonlyRootfs === true,
    maskedPaths: list(hc.MaskedPaths), readonlyPaths: list(hc.ReadonlyPaths),
    rlimits: rlimitsOf(hc),
    oomScoreAdj: typeof hc.OomScoreAdj === 'number' && hc.OomScoreAdj !== 0 ? hc.OomScoreAdj : null,
    sysctl: sysctlsOf(hc, hostNetwork),
    devices: privileged ? hostDevices() : devices.nodes, deviceRules: [...devices.rules, ...deviceRulesOf(hc)],
    shmSize: shmSizeOf(hc),
    hostUts: hc.UTSMode === 'host', hostIpc: hc.IpcMode === 'host',
  };
}
