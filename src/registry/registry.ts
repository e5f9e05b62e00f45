/**
 * The distribution client of one engine: its settings (mirrors, insecure registries, the
 * endpoint map), its token cache, and the walk over a registry's endpoints — the first one that
 * has the manifest serves the whole pull; a push goes to the first that answers.
 * @module
 */
import { MoorageError, SystemError, Unauthorized } from '../errors.ts';
import type { Credentials } from './auth.ts';
import { TokenCache } from './auth.ts';
import { endpointsFor, type RegistrySettings } from './hosts.ts';
import { TransportError } from './http.ts';
import { DOCKER_HUB, familiarName, type Reference } from './reference.ts';
import { RepositorySession, type FetchedManifest } from './session.ts';

/** The registry client. */
export class Registry {
  readonly settings: RegistrySettings;
  readonly tokens = new TokenCache();

  constructor(settings: RegistrySettings) {
    this.settings = settings;
  }

  /**
   * Finds the manifest (or index) `reference` names, trying each endpoint in turn; resolves it
   * with the session that served it (the pull's blobs come from there too).
   */
  async resolve(ref: Reference, reference: string, creds?: Credentials): Promise<{ session: RepositorySession; manifest: FetchedManifest }> {
    const errors: unknown[] = [];
    for (const endpoint of await endpointsFor(ref.domain, this.settings, 'pull')) {
      const session = this.#session(ref, endpoint, creds, ['pull']);
      try {
        return { session, manifest: await session.manifest(reference) };
      } catch (err) {
        errors.push(err);
      }
    }
    throw pickError(errors, ref);
  }

  /** A push session on the first endpoint that answers its probe. `mountFrom` adds pull scopes for cross-repo mounts. */
  async pushSession(ref: Reference, creds?: Credentials, mountFrom: string[] = []): Promise<RepositorySession> {
    const errors: unknown[] = [];
    for (const endpoint of await endpointsFor(ref.domain, this.settings, 'push')) {
      const session = this.#session(ref, endpoint, creds, ['pull', 'push'], mountFrom);
      try {
        await session.ping();
        return session;
      } catch (err) {
        errors.push(err);
      }
    }
    throw pickError(errors, ref);
  }

  /**
   * `docker login`: proves `creds` against `server` (`host[:port]`, a URL, or empty for Docker
   * Hub). Resolves the identity (refresh) token, if the registry issued one.
   */
  async login(server: string, creds: Credentials): Promise<string> {
    const domain = loginDomain(server);
    const errors: unknown[] = [];
    const ref: Reference = { domain, path: 'login' };
    for (const endpoint of await endpointsFor(domain, this.settings, 'push')) {
      const session = new RepositorySession({ endpoint, path: 'login', name: domain, creds, scopes: [], tokens: this.tokens });
      try {
        return await session.login();
      } catch (err) {
        if (err instanceof Unauthorized) throw err;
        errors.push(err);
      }
    }
    throw pickError(errors, ref);
  }

  #session(ref: Reference, endpoint: RepositorySession['endpoint'], creds: Credentials | undefined, actions: string[], mountFrom: string[] = []): RepositorySession {
    const scopes = [`repository:${ref.path}:${actions.join(',')}`, ...mountFrom.map((p) => `repository:${p}:pull`)];
    return new RepositorySession({ endpoint, path: ref.path, name: familiarName(ref), creds, scopes, tokens: this.tokens });
  }
}

/** The registry domain of a login server address. */
export function loginDomain(server: string): string {
  if (!server) return DOCKER_HUB;
  const host = server.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

/** The error to report when every endpoint failed: the registry's own answer before a transport failure. */
function pickError(errors: unknown[], ref: Reference): Error {
  const meaningful = errors.find((e) => e instanceof MoorageError && !(e instanceof TransportError));
  if (meaningful) return meaningful as Error;
  const last = errors.at(-1);
  if (last instanceof Error) return last;
  return new SystemError(`no endpoint for ${ref.domain}`, { code: 'MOORAGE_REGISTRY_UNREACHABLE' });
}
