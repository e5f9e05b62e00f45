/**
 * Docker's three ways to ask for mounts — `HostConfig.Binds` (`src:dst[:opts]`), `Mounts[]`
 * (`--mount`) and `Tmpfs` (`--tmpfs`) — parsed and validated into one list, with moby's
 * messages (`volume/mounts/linux_parser.go`, `validate.go`). Pure.
 * @module
 */
import { isAbsolute, posix } from 'node:path';
import { InvalidParameter } from '../errors.ts';

/** One mount a container asked for. */
export interface MountSpec {
  type: 'bind' | 'volume' | 'tmpfs';
  /** bind: host path; volume: its name, '' for a new anonymous one; tmpfs: ''. */
  source: string;
  /** Absolute path inside the container. */
  target: string;
  readonly: boolean;
  /** volume: fill a new volume from the image's content at the target (not with `nocopy`). */
  copyData: boolean;
  /** bind: `rprivate` unless asked. */
  propagation: string;
  /** tmpfs: mount options (Docker's defaults `noexec,nosuid,nodev` first). */
  tmpfsOptions: string[];
  /** bind: create a missing source (Binds do, `--mount` does not). */
  createSource: boolean;
  /** The mode string of a Binds entry, as inspect's `Mode` shows it. */
  mode: string;
  /** volume: labels and driver options for a volume created by this mount. */
  volumeLabels?: Record<string, string>;
  volumeOptions?: Record<string, string>;
}

const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];
const CONSISTENCY = ['consistent', 'cached', 'delegated'];
const TMPFS_DEFAULTS = ['noexec', 'nosuid', 'nodev'];

const spec = (type: MountSpec['type'], source: string, target: string): MountSpec => ({
  type, source, target, readonly: false, copyData: type === 'volume', propagation: type === 'bind' ? 'rprivate' : '',
  tmpfsOptions: [], createSource: false, mode: '',
});

function checkTarget(target: string, what: string): string {
  if (!target) throw new InvalidParameter(`invalid mount config for type "${what}": field Target must not be empty`);
  if (!isAbsolute(target)) throw new InvalidParameter(`invalid mount path: '${target}' mount path must be absolute`);
  if (posix.normalize(target) === '/') throw new InvalidParameter(`invalid specification: destination can't be '/'`);
  return posix.normalize(target);
}

/** A `Binds` entry: `/host:/ctr[:opts]`, `name:/ctr[:opts]`, or `/ctr` (an anonymous volume). */
export function parseBind(entry: string): MountSpec {
  const parts = entry.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw new InvalidParameter(`invalid volume specification: '${entry}'`);
  if (parts.length === 1) return { ...spec('volume', '', checkTarget(parts[0]!, 'volume')) };
  const [src, dst, mode = ''] = parts as [string, string, string?];
  const type = isAbsolute(src) ? 'bind' : 'volume';
  const m = { ...spec(type, type === 'bind' ? posix.normalize(src) : src, checkTarget(dst, type)), mode, createSource: type === 'bind' };
  const seen = new Set<string>();
  for (const o of mode ? mode.split(',') : []) {
    const kind = ['ro', 'rw'].includes(o) ? 'rw' : ['z', 'Z'].includes(o) ? 'label' : o === 'nocopy' ? 'copy'
      : PROPAGATIONS.includes(o) ? 'propagation' : CONSISTENCY.includes(o) ? 'consistency' : null;
    if (!kind || seen.has(kind)) throw new InvalidParameter(`invalid mode: ${mode}`);
    seen.add(kind);
    if (o === 'ro') m.readonly = true;
    if (o === 'nocopy') {
      if (type !== 'volume') throw new InvalidParameter(`invalid mode: ${mode}`);
      m.copyData = false;
    }
    if (kind === 'propagation') {
      if (type !== 'bind') throw new InvalidParameter(`invalid mode: ${mode}`);
      m.propagation = o;
    }
  }
  if (type === 'volume' && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(src)) {
    throw new InvalidParameter(`create ${src}: "${src}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  return m;
}

/** Docker's `HostConfig.Mounts[]` entry. */
export interface DockerMount {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; CreateMountpoint?: boolean; NonRecursive?: boolean } | null;
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string> | null; Subpath?: string; DriverConfig?: { Name?: string; Options?: Record<string, string> | null } | null } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] | null } | null;
}

/** A `Mounts[]` entry (`--mount`). */
export function parseMount(d: DockerMount): MountSpec {
  const t = d.Type ?? '';
  const bad = (msg: string) => new InvalidParameter(`invalid mount config for type "${t}": ${msg}`);
  if (t !== 'bind' && t !== 'volume' && t !== 'tmpfs') throw new InvalidParameter(`invalid mount config: mount type unknown: "${t}"`);
  const target = checkTarget(d.Target ?? '', t);
  const m = spec(t, d.Source ?? '', target);
  m.readonly = Boolean(d.ReadOnly);
  if (t === 'bind') {
    if (d.VolumeOptions) throw bad('field VolumeOptions must not be specified');
    if (d.TmpfsOptions) throw bad('field TmpfsOptions must not be specified');
    if (!m.source) throw bad('field Source must not be empty');
    if (!isAbsolute(m.source)) throw bad(`invalid mount path: '${m.source}' mount path must be absolute`);
    m.source = posix.normalize(m.source);
    const prop = d.BindOptions?.Propagation;
    if (prop) {
      if (!PROPAGATIONS.includes(prop)) throw bad(`invalid propagation mode: ${prop}`);
      m.propagation = prop;
    }
    m.createSource = Boolean(d.BindOptions?.CreateMountpoint);
  } else if (t === 'volume') {
    if (d.BindOptions) throw bad('field BindOptions must not be specified');
    if (d.TmpfsOptions) throw bad('field TmpfsOptions must not be specified');
    if (!m.source && m.readonly) throw bad('must not set ReadOnly mode when using anonymous volumes');
    if (d.VolumeOptions?.Subpath) throw bad('moorage does not support volume subpaths');
    const driver = d.VolumeOptions?.DriverConfig?.Name;
    if (driver && driver !== 'local') throw bad(`volume driver ${driver} is not supported: moorage has the local driver only`);
    m.copyData = !d.VolumeOptions?.NoCopy;
    if (d.VolumeOptions?.Labels) m.volumeLabels = { ...d.VolumeOptions.Labels };
    if (d.VolumeOptions?.DriverConfig?.Options) m.volumeOptions = { ...d.VolumeOptions.DriverConfig.Options };
  } else {
    if (m.source) throw bad('field Source must not be specified');
    if (d.BindOptions) throw bad('field BindOptions must not be specified');
    if (d.VolumeOptions) throw bad('field VolumeOptions must not be specified');
    const o = d.TmpfsOptions ?? {};
    const extra: string[] = [];
    if (m.readonly) extra.push('ro');
    if (o.Mode) extra.push(`mode=${o.Mode.toString(8)}`);
    if (o.SizeBytes) {
      if (o.SizeBytes < 0) throw bad('invalid tmpfs size');
      extra.push(`size=${o.SizeBytes}`);
    }
    for (const kv of o.Options ?? []) extra.push(kv.filter(Boolean).join('='));
    m.tmpfsOptions = [...TMPFS_DEFAULTS, ...extra];
  }
  return m;
}

/** `HostConfig.Tmpfs`: `{"/run": "rw,size=64m"}`. */
export function parseTmpfs(target: string, options: string): MountSpec {
  const m = spec('tmpfs', '', checkTarget(target, 'tmpfs'));
  const opts = options ? options.split(',').map((o) => o.trim()).filter(Boolean) : [];
  m.readonly = opts.includes('ro');
  m.tmpfsOptions = [...TMPFS_DEFAULTS, ...opts];
  return m;
}

/** Everything a HostConfig asks to mount, in one list; two mounts on one path are a 400. */
export function collectMounts(hc: { Binds?: string[] | null; Mounts?: DockerMount[] | null; Tmpfs?: Record<string, string> | null }): MountSpec[] {
  const out = [
    ...(hc.Binds ?? []).map(parseBind),
    ...(hc.Mounts ?? []).map(parseMount),
    ...Object.entries(hc.Tmpfs ?? {}).map(([t, o]) => parseTmpfs(t, o)),
  ];
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.target)) throw new InvalidParameter(`Duplicate mount point: ${m.target}`);
    seen.add(m.target);
  }
  return out;
}
