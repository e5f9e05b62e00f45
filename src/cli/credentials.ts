/**
 * Registry credentials the docker way: `$DOCKER_CONFIG/config.json` (default `~/.docker`),
 * `auths[<server>].auth` = base64 of `user:password`, Docker Hub under
 * `https://index.docker.io/v1/`. moorage's login writes there and its pull and push read there,
 * so the docker CLI and moorage share logins. Credential helpers are not supported.
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AuthConfig } from '../client/types.ts';

/** Docker Hub's key in config.json. */
export const HUB_KEY = 'https://index.docker.io/v1/';

interface ConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  [k: string]: unknown;
}

function configPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** The config.json key of a registry named by an image reference or a login argument. */
export function serverKey(nameOrServer: string): string {
  const first = nameOrServer.replace(/^[a-z]+:\/\//, '').split('/')[0]!;
  const isHost = nameOrServer.includes('/') ? (first.includes('.') || first.includes(':') || first === 'localhost') : /[.:]|^localhost$/.test(first);
  if (!isHost || ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(first)) return HUB_KEY;
  return first;
}

async function read(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  try {
    return JSON.parse(await readFile(configPath(env), 'utf8')) as ConfigFile;
  } catch {
    return {};
  }
}

/** The stored credentials for `key`, if any. */
export async function loadCredentials(env: NodeJS.ProcessEnv, key: string): Promise<AuthConfig | undefined> {
  const entry = (await read(env)).auths?.[key];
  if (!entry) return undefined;
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress: key };
  if (!entry.auth) return undefined;
  const text = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 ? { username: text.slice(0, colon), password: text.slice(colon + 1), serveraddress: key } : undefined;
}

/** Stores credentials for `key` (mode 0600). */
export async function storeCredentials(env: NodeJS.ProcessEnv, key: string, a: AuthConfig): Promise<void> {
  const file = await read(env);
  file.auths = { ...file.auths, [key]: { auth: Buffer.from(`${a.username}:${a.password}`).toString('base64') } };
  await mkdir(dirname(configPath(env)), { recursive: true, mode: 0o700 });
  await writeFile(configPath(env), `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
}
