/**
 * `X-Registry-Auth`: base64url (with or without padding) of a JSON AuthConfig. moby ignores a
 * header it cannot decode and pulls anonymously; so does moorage.
 * @module
 */
import type { Credentials } from '../../engine/images/login.ts';

/** The credentials a header carries, or undefined. */
export function registryAuth(header: string | string[] | undefined): Credentials | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return undefined;
  try {
    const json = JSON.parse(Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as Record<string, unknown>;
    const str = (k: string) => (typeof json[k] === 'string' && json[k] ? json[k] as string : undefined);
    const creds: Credentials = { username: str('username'), password: str('password'), identitytoken: str('identitytoken'), registrytoken: str('registrytoken') };
    const basic = str('auth');
    if (basic && !creds.username) {
      const text = Buffer.from(basic, 'base64').toString('utf8');
      const colon = text.indexOf(':');
      if (colon > 0) Object.assign(creds, { username: text.slice(0, colon), password: text.slice(colon + 1) });
    }
    return Object.values(creds).some(Boolean) ? creds : undefined;
  } catch {
    return undefined;
  }
}
