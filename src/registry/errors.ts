/**
 * Registry error bodies (`{"errors":[{"code","message","detail"}]}`) turned into moorage's
 * errors the way moby's `distribution/errors.go` does for pulls: `DENIED`, `MANIFEST_UNKNOWN`
 * and `NAME_UNKNOWN` are not-found (404); anything else passes on the registry's text as a 500.
 * @module
 */
import { MoorageError, NotFound, SystemError } from '../errors.ts';

/** One error of a registry's answer. */
export interface RegistryErrorItem {
  code: string;
  message: string;
}

/** The errors of a registry's answer body, or [] when it holds none. */
export function parseErrors(body: Buffer): RegistryErrorItem[] {
  try {
    const j = JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    return (j.errors ?? []).map((e) => ({ code: String(e.code ?? 'UNKNOWN'), message: String(e.message ?? '') }));
  } catch {
    return [];
  }
}

/** Go's rendering: `manifest unknown: manifest unknown`. */
export function renderErrors(items: RegistryErrorItem[]): string {
  return items.map((e) => `${e.code.toLowerCase().replace(/_/g, ' ')}: ${e.message}`).join(', ');
}

/**
 * The error for a failed registry answer. `what` names the object for the message
 * (`127.0.0.1:5000/app:v1`); `repo` is the familiar repository name; `manifest` says a bare 404
 * means an unknown manifest.
 */
export function registryError(status: number, body: Buffer, what: string, repo = what, manifest = false): MoorageError {
  const items = parseErrors(body);
  const text = items.length ? renderErrors(items) : `${status} ${body.toString('utf8').trim().slice(0, 200) || 'no details'}`;
  const code = items[0]?.code;
  if (code === 'DENIED' || (status === 403 && !code)) {
    return new NotFound(`pull access denied for ${repo}, repository does not exist or may require 'docker login': ${text}`, 'MOORAGE_REGISTRY_DENIED');
  }
  if (code === 'MANIFEST_UNKNOWN' || (status === 404 && !code && manifest)) {
    return new NotFound(`manifest for ${what} not found: ${text}`, 'MOORAGE_MANIFEST_UNKNOWN');
  }
  if (code === 'NAME_UNKNOWN') return new NotFound(`repository ${repo} not found: ${text}`, 'MOORAGE_REPOSITORY_UNKNOWN');
  if (code === 'BLOB_UNKNOWN') return new NotFound(`${what}: ${text}`, 'MOORAGE_NO_SUCH_BLOB');
  if (!items.length && status === 401) return new SystemError('unauthorized: authentication required', { code: 'MOORAGE_REGISTRY_ERROR' });
  return new SystemError(items.length ? text : `${what}: the registry answered ${text}`, { code: 'MOORAGE_REGISTRY_ERROR' });
}
