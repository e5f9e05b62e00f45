/**
 * Dockerfile-style `changes` (`docker import --change`, `docker commit --change`) applied to an
 * image's runtime defaults, and moby's merge of a commit's settings with the container's. Pure.
 * @module
 */
import { InvalidParameter } from '../errors.ts';
import type { ImageConfig } from './config.ts';

/**
 * Applies changes (CMD ENTRYPOINT WORKDIR USER STOPSIGNAL ENV LABEL EXPOSE VOLUME, one per
 * string or per line) to `cfg`; anything else is a 400 naming the instruction.
 */
export function applyChanges(cfg: ImageConfig, changes: string[]): ImageConfig {
  const out: ImageConfig = { ...cfg, Env: [...cfg.Env], Labels: { ...cfg.Labels } };
  for (const change of changes.flatMap((c) => c.split('\n')).map((c) => c.trim()).filter(Boolean)) {
    const m = /^(\w+)\s+(.*)$/s.exec(change);
    if (!m) throw new InvalidParameter(`invalid change: ${change}`);
    const [, instr, arg] = m as unknown as [string, string, string];
    const list = () => (arg.startsWith('[') ? parseJsonList(arg) : ['/bin/sh', '-c', arg]);
    switch (instr.toUpperCase()) {
      case 'CMD': out.Cmd = list(); break;
      case 'ENTRYPOINT': out.Entrypoint = list(); break;
      case 'WORKDIR': out.WorkingDir = arg; break;
      case 'USER': out.User = arg; break;
      case 'STOPSIGNAL': out.StopSignal = arg; break;
      case 'ENV':
        for (const [key, value] of pairs(arg, change)) out.Env = [...out.Env.filter((e) => e.split('=')[0] !== key), `${key}=${value}`];
        break;
      case 'LABEL':
        for (const [key, value] of pairs(arg, change)) out.Labels[key] = value;
        break;
      case 'EXPOSE':
        for (const p of arg.split(/\s+/).filter(Boolean)) {
          if (!/^\d+(\/(tcp|udp|sctp))?$/i.test(p)) throw new InvalidParameter(`invalid containerPort: ${p}`);
          out.ExposedPorts = { ...out.ExposedPorts, [p.includes('/') ? p.toLowerCase() : `${p}/tcp`]: {} };
        }
        break;
      case 'VOLUME':
        for (const v of arg.startsWith('[') ? parseJsonList(arg) : arg.split(/\s+/).filter(Boolean)) {
          out.Volumes = { ...out.Volumes, [v]: {} };
        }
        break;
      default:
        throw new InvalidParameter(`${instr} is not a valid change command`);
    }
  }
  return out;
}

/** `key=value` pairs (values may be double-quoted), or the legacy `key value` form of one pair. */
function pairs(arg: string, change: string): [string, string][] {
  const tokens = [...arg.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/g)];
  if (!tokens.length) {
    const m = /^(\S+)\s+(.*)$/s.exec(arg);
    if (!m) throw new InvalidParameter(`invalid change: ${change}`);
    return [[m[1]!, m[2]!]];
  }
  return tokens.map((t) => [t[1]!, t[2]!.startsWith('"') ? t[2]!.slice(1, -1).replace(/\\(.)/g, '$1') : t[2]!]);
}

function parseJsonList(arg: string): string[] {
  try {
    const v = JSON.parse(arg) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch { /* fall through */ }
  throw new InvalidParameter(`invalid JSON list: ${arg}`);
}

/**
 * moby's commit merge: what the commit sets wins, and the container's settings fill the rest —
 * its environment and labels, exposed ports and volumes added to the commit's, its command only
 * when the commit sets neither entrypoint nor command.
 */
export function mergeCommitConfig(commit: ImageConfig, container: ImageConfig): ImageConfig {
  const out: ImageConfig = { ...commit, Env: [...commit.Env], Labels: { ...commit.Labels } };
  if (!out.User) out.User = container.User;
  if (container.ExposedPorts) out.ExposedPorts = { ...container.ExposedPorts, ...out.ExposedPorts };
  const keys = new Set(out.Env.map((e) => e.split('=')[0]));
  out.Env.push(...container.Env.filter((e) => !keys.has(e.split('=')[0])));
  out.Labels = { ...container.Labels, ...out.Labels };
  if (!out.Entrypoint?.length) {
    if (!out.Cmd?.length) out.Cmd = container.Cmd;
    if (out.Entrypoint === null) out.Entrypoint = container.Entrypoint;
  }
  if (!out.WorkingDir) out.WorkingDir = container.WorkingDir;
  if (container.Volumes) out.Volumes = { ...out.Volumes, ...container.Volumes };
  if (!out.StopSignal && container.StopSignal) out.StopSignal = container.StopSignal;
  return out;
}
