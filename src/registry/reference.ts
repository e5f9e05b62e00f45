/**
 * Image references as distribution/reference normalises them (what moby and the docker CLI
 * do): `alpine` is `docker.io/library/alpine:latest`; a first component with a `.` or a `:`,
 * `localhost`, or an upper-case letter is a registry host. Pure.
 * @module
 */
import { InvalidParameter } from '../errors.ts';

/** Docker Hub's name in references. */
export const DOCKER_HUB = 'docker.io';

/** A parsed reference. */
export interface Reference {
  /** Registry host[:port], `docker.io` for Docker Hub. */
  domain: string;
  /** Repository path inside the registry (`library/alpine`). */
  path: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;

function invalid(ref: string, why = ''): InvalidParameter {
  return new InvalidParameter(`invalid reference format${why ? `: ${why}` : ''}: ${JSON.stringify(ref)}`, 'MOORAGE_INVALID_REFERENCE');
}

/** Parses and normalises a reference; the tag stays unset when none is given. */
export function parseReference(ref: string): Reference {
  if (!ref || ref.length > 512) throw invalid(ref);
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(ref, 'bad digest');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(ref, 'bad tag');
  }
  const slash = rest.indexOf('/');
  let domain = DOCKER_HUB;
  let path = rest;
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first === 'localhost' || first.includes('.') || first.includes(':') || first !== first.toLowerCase()) {
      domain = first;
      path = rest.slice(slash + 1);
      if (!DOMAIN.test(domain)) throw invalid(ref, 'bad registry host');
    }
  }
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (!path || path.split('/').some((c) => !COMPONENT.test(c))) {
    throw invalid(ref, path !== path.toLowerCase() ? 'repository name must be lowercase' : '');
  }
  if (`${domain}/${path}`.length > 255) throw invalid(ref, 'repository name must not be more than 255 characters');
  return { domain, path, tag, digest };
}

/** `docker.io/library/alpine` → `alpine`; other registries keep their host. */
export function familiarName(r: Pick<Reference, 'domain' | 'path'>): string {
  if (r.domain !== DOCKER_HUB) return `${r.domain}/${r.path}`;
  return r.path.startsWith('library/') && r.path.split('/').length === 2 ? r.path.slice('library/'.length) : r.path;
}

/** The full repository name (`docker.io/library/alpine`). */
export function fullName(r: Pick<Reference, 'domain' | 'path'>): string {
  return `${r.domain}/${r.path}`;
}

/** `name:tag`, `name@digest` (or both), in the familiar form; the tag defaults to `latest`. */
export function familiarString(r: Reference): string {
  const name = familiarName(r);
  if (r.digest) return r.tag ? `${name}:${r.tag}@${r.digest}` : `${name}@${r.digest}`;
  return `${name}:${r.tag ?? 'latest'}`;
}

/** The tag or digest a reference asks a registry for (`latest` by default). */
export function refSpecifier(r: Reference): string {
  return r.digest ?? r.tag ?? 'latest';
}
