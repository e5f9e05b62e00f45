/**
 * Registry credentials and bearer tokens: the token fetch (GET with Basic credentials and
 * `account=`, or the OAuth2 POST form with an identity token), and a cache of tokens by realm,
 * service, scopes and account, kept until shortly before they expire.
 * @module
 */
import { Unauthorized } from '../errors.ts';
import type { Challenge } from './challenge.ts';
import { readBody, send } from './http.ts';
import { registryError } from './errors.ts';

/** Credentials for one registry, as `X-Registry-Auth` and `POST /auth` carry them. */
export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (from an earlier login). */
  identitytoken?: string;
  /** A bearer token to use as it is. */
  registrytoken?: string;
}

interface TokenAnswer {
  token?: string;
  access_token?: string;
  expires_in?: number;
  issued_at?: string;
  refresh_token?: string;
}

/** A token and when it stops being usable (ms since the epoch). */
interface Cached {
  token: string;
  expires: number;
  refresh?: string;
}

/** `Basic base64(user:pass)`. */
export function basicAuth(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
}

/** Bearer tokens of one engine. */
export class TokenCache {
  readonly #tokens = new Map<string, Cached>();

  /**
   * A token for `scopes` under a Bearer challenge, from the cache or the realm. With `login`,
   * asks for a refresh token as docker login does (`offline_token=true&client_id=docker`).
   */
  async token(ch: Challenge, scopes: string[], creds: Credentials | undefined, o: { insecureTls?: boolean; login?: boolean } = {}): Promise<{ token: string; refresh?: string }> {
    if (creds?.registrytoken) return { token: creds.registrytoken };
    const realm = ch.params.realm;
    if (!realm) throw new Unauthorized('the registry sent a Bearer challenge without a realm');
    const key = JSON.stringify([realm, ch.params.service ?? '', [...scopes].sort(), creds?.username ?? '', Boolean(creds?.identitytoken)]);
    const hit = this.#tokens.get(key);
    if (hit && hit.expires > Date.now() && !o.login) return hit;
    const url = new URL(realm);
    const headers: Record<string, string> = {};
    let body: Buffer | undefined;
    let method = 'GET';
    if (creds?.identitytoken) {
      method = 'POST';
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identitytoken, client_id: 'moorage' });
      if (ch.params.service) form.set('service', ch.params.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      body = Buffer.from(form.toString());
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else {
      if (ch.params.service) url.searchParams.set('service', ch.params.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (creds?.username) {
        url.searchParams.set('account', creds.username);
        headers.Authorization = basicAuth(creds);
      }
      if (o.login) {
        url.searchParams.set('offline_token', 'true');
        url.searchParams.set('client_id', 'docker');
      }
    }
    const res = await send({ method, url, headers, body, insecureTls: o.insecureTls });
    const text = await readBody(res, 1 << 20);
    if (res.status === 401 || res.status === 403) {
      throw new Unauthorized(`unauthorized: ${errorText(text) || 'incorrect username or password'}`);
    }
    if (res.status !== 200) throw registryError(res.status, text, `token from ${realm}`);
    let answer: TokenAnswer;
    try {
      answer = JSON.parse(text.toString('utf8')) as TokenAnswer;
    } catch {
      throw new Unauthorized(`the token server ${realm} answered with something that is not JSON`);
    }
    const token = answer.access_token || answer.token;
    if (!token) throw new Unauthorized(`the token server ${realm} sent no token`);
    const lifetime = Math.max(60, answer.expires_in ?? 60) * 1000;
    const issued = answer.issued_at ? Date.parse(answer.issued_at) : NaN;
    const start = Number.isFinite(issued) ? Math.min(issued, Date.now()) : Date.now();
    const cached: Cached = { token, expires: start + lifetime - 5_000, refresh: answer.refresh_token };
    this.#tokens.set(key, cached);
    return cached;
  }

  /** Forgets every token (a 401 with a token we had: it was revoked). */
  clear(): void {
    this.#tokens.clear();
  }
}

function errorText(body: Buffer): string {
  try {
    const j = JSON.parse(body.toString('utf8')) as { details?: string; errors?: { message?: string }[] };
    return j.details ?? j.errors?.[0]?.message ?? '';
  } catch {
    return body.toString('utf8').trim().slice(0, 200);
  }
}
