/**
 * One repository on one registry endpoint: the `/v2/` probe, authorisation (anonymous, Basic,
 * Bearer tokens for the session's scopes, fetched again on a new 401), and the distribution
 * calls a pull and a push make: manifests, blobs, uploads (HEAD, cross-repo mount, POST then
 * PATCH then PUT to the latest Location).
 * @module
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

import { SystemError, Unauthorized } from '../errors.ts';
import { DIGEST_RE, MAX_MANIFEST_BYTES, MEDIA } from '../wire/oci.ts';
import { basicAuth, type Credentials, type TokenCache } from './auth.ts';
import { parseChallenges, type Challenge } from './challenge.ts';
import { registryError } from './errors.ts';
import type { Endpoint } from './hosts.ts';
import { readBody, send, TransportError, type HttpResponse } from './http.ts';

/** What a manifest request accepts (containerd's list, one header). */
export const MANIFEST_ACCEPT = [MEDIA.dockerManifest, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.ociIndex, '*/*'].join(', ');

/** A fetched manifest or index: its exact bytes, media type and digest. */
export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

/** A session with one repository on one endpoint. */
export class RepositorySession {
  readonly endpoint: Endpoint;
  /** Repository path (`library/alpine`). */
  readonly path: string;
  /** Familiar name for messages. */
  readonly name: string;
  readonly #creds: Credentials | undefined;
  readonly #scopes: string[];
  readonly #tokens: TokenCache;
  #challenge: Challenge | null | undefined;
  #auth: string | undefined;

  constructor(o: { endpoint: Endpoint; path: string; name: string; creds?: Credentials; scopes: string[]; tokens: TokenCache }) {
    this.endpoint = o.endpoint;
    this.path = o.path;
    this.name = o.name;
    this.#creds = o.creds && Object.values(o.creds).some(Boolean) ? o.creds : undefined;
    this.#scopes = o.scopes;
    this.#tokens = o.tokens;
  }

  /**
   * `GET /v2/`: learns how the registry wants to be authorised (and proves the endpoint
   * answers). A 404 means it does not speak the v2 API.
   */
  async ping(): Promise<Challenge | null> {
    if (this.#challenge !== undefined) return this.#challenge;
    const res = await send({ method: 'GET', url: this.#url('/v2/'), insecureTls: this.endpoint.insecureTls });
    res.body.resume();
    if (res.status === 401) {
      const all = parseChallenges(res.headers['www-authenticate']);
      this.#challenge = all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic') ?? null;
    } else if (res.status >= 200 && res.status < 300) {
      this.#challenge = null;
    } else {
      throw new SystemError(`${this.endpoint.url}/v2/ answered ${res.status}: not a registry (v2) endpoint`, { code: 'MOORAGE_REGISTRY_ERROR' });
    }
    return this.#challenge;
  }

  /** Logs in: proves the credentials against the registry; resolves a refresh token if one was issued. */
  async login(): Promise<string> {
    const ch = await this.ping();
    if (!ch) return '';
    if (ch.scheme === 'basic') {
      const res = await send({ method: 'GET', url: this.#url('/v2/'), headers: { Authorization: basicAuth(this.#creds ?? {}) }, insecureTls: this.endpoint.insecureTls });
      res.body.resume();
      if (res.status === 401 || res.status === 403) throw new Unauthorized('unauthorized: incorrect username or password');
      if (res.status >= 300) throw new SystemError(`login: ${this.endpoint.url}/v2/ answered ${res.status}`, { code: 'MOORAGE_REGISTRY_ERROR' });
      return '';
    }
    const t = await this.#tokens.token(ch, [], this.#creds, { insecureTls: this.endpoint.insecureTls, login: true });
    return t.refresh ?? '';
  }

  /** Fetches a manifest or index by tag or digest, checking its size cap and digest. */
  async manifest(reference: string): Promise<FetchedManifest> {
    const res = await this.#request('GET', `/v2/${this.path}/manifests/${reference}`, { headers: { Accept: MANIFEST_ACCEPT } });
    const what = `${this.name}${DIGEST_RE.test(reference) ? '@' : ':'}${reference}`;
    if (res.status !== 200) throw registryError(res.status, await readBody(res, 1 << 20).catch(() => Buffer.alloc(0)), what, this.name, true);
    const bytes = await readBody(res, MAX_MANIFEST_BYTES);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const header = res.headers['docker-content-digest'];
    if (DIGEST_RE.test(reference) && reference !== digest) {
      throw new SystemError(`manifest ${what} does not match its digest: the content's is ${digest}`, { code: 'MOORAGE_MANIFEST_INVALID' });
    }
    if (typeof header === 'string' && DIGEST_RE.test(header) && header !== digest) {
      throw new SystemError(`manifest ${what}: Docker-Content-Digest ${header} does not match the content's ${digest}`, { code: 'MOORAGE_MANIFEST_INVALID' });
    }
    let mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    try {
      const declared = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType;
      if (declared) mediaType = declared;
    } catch {
      throw new SystemError(`manifest ${what} is not JSON`, { code: 'MOORAGE_MANIFEST_INVALID' });
    }
    return { bytes, mediaType, digest };
  }

  /**
   * Starts a blob download; the body is the caller's to read (and verify). A connection that
   * dies mid-body is a TransportError that says so.
   */
  async blob(digest: string, mediaType = '*/*'): Promise<AsyncIterable<Buffer> & { destroy(e?: Error): void }> {
    const res = await this.#request('GET', `/v2/${this.path}/blobs/${digest}`, { headers: { Accept: `${mediaType}, */*` } });
    if (res.status !== 200) throw registryError(res.status, await readBody(res, 1 << 20).catch(() => Buffer.alloc(0)), `blob ${digest}`, this.name);
    const body = res.body;
    const chunks = (async function* () {
      try {
        for await (const c of body as AsyncIterable<Buffer>) yield c;
      } catch (err) {
        throw err instanceof TransportError ? err : new TransportError(`blob ${digest}: the connection to the registry closed mid-body (${(err as Error).message})`, err);
      }
    })();
    return Object.assign(chunks, { destroy: (e?: Error) => body.destroy(e) });
  }

  /** The size of a blob the repository has, or undefined. */
  async blobSize(digest: string): Promise<number | undefined> {
    const res = await this.#request('HEAD', `/v2/${this.path}/blobs/${digest}`);
    res.body.resume();
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw registryError(res.status, Buffer.alloc(0), `blob ${digest}`, this.name);
    return Number(res.headers['content-length'] ?? 0);
  }

  /**
   * Mounts a blob from another repository of the same registry; true when mounted. When not,
   * the answer's upload location is dropped (the caller uploads afresh).
   */
  async mount(digest: string, from: string): Promise<boolean> {
    const res = await this.#request('POST', `/v2/${this.path}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`);
    res.body.resume();
    if (res.status === 201) return true;
    if (res.status === 202) {
      const loc = res.headers.location;
      if (loc) void this.#request('DELETE', new URL(loc, res.url).href).then((r) => r.body.resume(), () => {});
      return false;
    }
    return false;
  }

  /** Uploads a blob: POST for a location, PATCH the bytes, PUT with the digest to the latest location. */
  async upload(digest: string, size: number, body: Readable): Promise<void> {
    const start = await this.#request('POST', `/v2/${this.path}/blobs/uploads/`);
    start.body.resume();
    if (start.status !== 202 || !start.headers.location) {
      throw registryError(start.status, Buffer.alloc(0), `starting the upload of ${digest}`, this.name);
    }
    const patchUrl = new URL(start.headers.location, start.url);
    const patch = await this.#request('PATCH', patchUrl.href, {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) }, body,
    });
    const patchBody = await readBody(patch, 1 << 20).catch(() => Buffer.alloc(0));
    if (patch.status !== 202) throw registryError(patch.status, patchBody, `uploading ${digest}`, this.name);
    const put = new URL(patch.headers.location ?? patchUrl.href, patchUrl);
    put.searchParams.set('digest', digest);
    const done = await this.#request('PUT', put.href, { headers: { 'Content-Length': '0' } });
    const doneBody = await readBody(done, 1 << 20).catch(() => Buffer.alloc(0));
    if (done.status !== 201) throw registryError(done.status, doneBody, `committing the upload of ${digest}`, this.name);
  }

  /** Puts a manifest under a tag (or digest); resolves the digest the registry gave it. */
  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.#request('PUT', `/v2/${this.path}/manifests/${reference}`, { headers: { 'Content-Type': mediaType }, body: bytes });
    const body = await readBody(res, 1 << 20).catch(() => Buffer.alloc(0));
    if (res.status !== 201) throw registryError(res.status, body, `manifest ${this.name}:${reference}`, this.name);
    return String(res.headers['docker-content-digest'] ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  }

  /** A request with authorisation; a 401 fetches a new token (or uses Basic) and retries once when the body can be sent again. */
  async #request(method: string, pathOrUrl: string, o: { headers?: Record<string, string>; body?: Buffer | Readable } = {}): Promise<HttpResponse> {
    const ch = await this.ping();
    if (ch && !this.#auth) this.#auth = await this.#authorize(ch);
    const url = pathOrUrl.startsWith('http') ? new URL(pathOrUrl) : this.#url(pathOrUrl);
    const go = () => send({ method, url, headers: { ...o.headers, ...(this.#auth ? { Authorization: this.#auth } : {}) }, body: o.body, insecureTls: this.endpoint.insecureTls });
    let res = await go();
    if (res.status === 401 && (!o.body || Buffer.isBuffer(o.body))) {
      res.body.resume();
      const fresh = parseChallenges(res.headers['www-authenticate']).find((c) => c.scheme === 'bearer' || c.scheme === 'basic');
      if (!fresh) return res;
      if (fresh.scheme === 'bearer' && this.#auth?.startsWith('Bearer ')) this.#tokens.clear();
      this.#auth = await this.#authorize(fresh);
      res = await go();
    }
    return res;
  }

  async #authorize(ch: Challenge): Promise<string | undefined> {
    if (ch.scheme === 'basic') return this.#creds ? basicAuth(this.#creds) : undefined;
    const { token } = await this.#tokens.token(ch, this.#scopes, this.#creds, { insecureTls: this.endpoint.insecureTls });
    return `Bearer ${token}`;
  }

  #url(path: string): URL {
    return new URL(`${this.endpoint.url}${path}`);
  }
}
