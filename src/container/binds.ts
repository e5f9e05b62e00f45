/**
 * Docker's `HostConfig.Binds` entries (`/host/path:/container/path[:ro|rw]`).
 * @module
 */
import { isAbsolute } from 'node:path';
import { InvalidParameter } from '../errors.ts';

/** A parsed `-v SRC:DST[:ro|rw]` bind. */
export interface Bind {
  source: string;
  destination: string;
  readonly: boolean;
}

/** Parses a HostConfig.Binds entry; only host paths are supported (no named volumes). */
export function parseBind(spec: string): Bind {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3) throw new InvalidParameter(`invalid volume specification: '${spec}'`);
  const [source, destination, mode = 'rw'] = parts as [string, string, string?];
  if (!isAbsolute(source)) {
    throw new InvalidParameter(`invalid volume specification: '${spec}': moorage supports host paths only, not named volumes`);
  }
  if (!isAbsolute(destination)) {
    throw new InvalidParameter(`invalid volume specification: '${spec}': mount path must be absolute`);
  }
  const opts = mode.split(',');
  if (opts.some((o) => !['ro', 'rw', 'z', 'Z', 'private', 'rprivate'].includes(o))) {
    throw new InvalidParameter(`invalid mode: ${mode}`);
  }
  return { source, destination, readonly: opts.includes('ro') };
}
