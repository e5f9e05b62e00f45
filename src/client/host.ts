/**
 * Where the engine listens: a unix socket or a TCP address, from an explicit value,
 * `MOORAGE_HOST`, `DOCKER_HOST` or the default socket.
 * @module
 */

/** The default socket of a moorage daemon. */
export const DEFAULT_SOCKET = '/run/moorage/moorage.sock';

/** A parsed engine address. */
export type EngineAddress =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number };

/**
 * Parses `unix:///path`, `tcp://host:port`, `http://host:port` or a bare absolute socket path.
 * @throws {TypeError} for any other form
 */
export function parseHost(value: string): EngineAddress {
  const v = value.trim();
  if (v.startsWith('/')) return { kind: 'unix', socketPath: v };
  if (v.startsWith('unix://')) {
    const socketPath = v.slice('unix://'.length);
    if (!socketPath) throw new TypeError(`invalid host "${value}": empty socket path`);
    return { kind: 'unix', socketPath };
  }
  const m = /^(tcp|http):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(v);
  if (m) {
    const port = m[3] ? Number(m[3]) : 2375;
    if (port < 1 || port > 65535) throw new TypeError(`invalid host "${value}": bad port`);
    return { kind: 'tcp', host: m[2]!.replace(/^\[|\]$/g, ''), port };
  }
  throw new TypeError(`invalid host "${value}": expected unix:///path or tcp://host:port`);
}

/**
 * The address to use: `explicit`, else `MOORAGE_HOST`, else `DOCKER_HOST`, else
 * {@link DEFAULT_SOCKET}.
 */
export function resolveHost(explicit?: string, env: NodeJS.ProcessEnv = process.env): EngineAddress {
  const v = explicit || env.MOORAGE_HOST || env.DOCKER_HOST;
  return v ? parseHost(v) : { kind: 'unix', socketPath: DEFAULT_SOCKET };
}

/** Renders an address back to its URL form (`unix:///…` or `tcp://host:port`). */
export function formatHost(a: EngineAddress): string {
  return a.kind === 'unix' ? `unix://${a.socketPath}` : `tcp://${a.host}:${a.port}`;
}
