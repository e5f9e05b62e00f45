/**
 * Parsers of run's network and mount flags, as docker parses them: `-p [ip:][host:]ctr[/proto]`,
 * `--mount type=…,source=…,target=…`, `--tmpfs /path[:opts]`.
 * @module
 */
import { InvalidArgumentError } from 'commander';
import type { MountRequest } from '../client/types.ts';

/** One `-p` value: its exposed port key and its host binding. */
export interface Publish {
  key: string;
  hostIp: string;
  hostPort: string;
}

/** `-p 8080:80`, `-p 127.0.0.1:8080:80`, `-p 127.0.0.1::80`, `-p 80`, `-p 53:53/udp`. */
export function parsePublish(value: string): Publish {
  const [spec, proto = 'tcp', ...more] = value.split('/');
  if (more.length || !['tcp', 'udp', 'sctp'].includes(proto)) throw new InvalidArgumentError(`invalid proto: ${proto}`);
  const parts = spec!.split(':');
  if (parts.length > 3) throw new InvalidArgumentError(`invalid port format: ${value}`);
  const ctr = parts.pop()!;
  const hostPort = parts.pop() ?? '';
  const hostIp = parts.pop() ?? '';
  if (!/^\d+$/.test(ctr) || (hostPort && !/^\d+$/.test(hostPort))) throw new InvalidArgumentError(`invalid containerPort: ${ctr}`);
  return { key: `${ctr}/${proto}`, hostIp, hostPort };
}

/** `--mount type=volume,source=v,target=/d,readonly,volume-nocopy,tmpfs-size=…,tmpfs-mode=…,bind-propagation=…`. */
export function parseMountFlag(value: string): MountRequest {
  const m: MountRequest = { Type: 'volume', Target: '' };
  for (const field of value.split(',')) {
    const [k, v] = field.split('=', 2) as [string, string | undefined];
    const val = v ?? 'true';
    switch (k.trim().toLowerCase()) {
      case 'type':
        if (val !== 'bind' && val !== 'volume' && val !== 'tmpfs') throw new InvalidArgumentError(`invalid mount type: ${val}`);
        m.Type = val;
        break;
      case 'source': case 'src': m.Source = val; break;
      case 'target': case 'destination': case 'dst': m.Target = val; break;
      case 'readonly': case 'ro': m.ReadOnly = val !== 'false' && val !== '0'; break;
      case 'volume-nocopy': m.VolumeOptions = { ...m.VolumeOptions, NoCopy: val !== 'false' }; break;
      case 'bind-propagation': m.BindOptions = { ...m.BindOptions, Propagation: val }; break;
      case 'tmpfs-size': m.TmpfsOptions = { ...m.TmpfsOptions, SizeBytes: Number(val) }; break;
      case 'tmpfs-mode': m.TmpfsOptions = { ...m.TmpfsOptions, Mode: parseInt(val, 8) }; break;
      default: throw new InvalidArgumentError(`unexpected key '${k}' in '${field}'`);
    }
  }
  if (!m.Target) throw new InvalidArgumentError('target is required');
  return m;
}

/** `--tmpfs /run:size=64m` into `HostConfig.Tmpfs` entries. */
export function parseTmpfsFlag(value: string): [string, string] {
  const i = value.indexOf(':');
  return i < 0 ? [value, ''] : [value.slice(0, i), value.slice(i + 1)];
}

/** `-v`: `/host:/ctr[:opts]`, `name:/ctr[:opts]` or `/ctr` (an anonymous volume). */
export function parseVolumeFlag(value: string): string {
  const parts = value.split(':');
  if (parts.length > 3 || parts.some((p) => !p) || !(parts.length === 1 ? parts[0]! : parts[1]!).startsWith('/')) {
    throw new InvalidArgumentError(`invalid volume specification: '${value}'`);
  }
  return value;
}
