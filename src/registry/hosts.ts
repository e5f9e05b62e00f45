/**
 * Where a registry's name leads: dockerd's `--registry-mirror` (Docker Hub pulls try the
 * mirrors first) and `--insecure-registry` (HTTPS without verification, then plain HTTP;
 * 127.0.0.0/8 and ::1 always count, as dockerd adds them), and a per-registry endpoint map in
 * the spirit of containerd's hosts.toml: `registry.k8s.io=http://127.0.0.1:5000` makes pulls of
 * `registry.k8s.io/...` go to that endpoint (and the registry itself after it), so images keep
 * their real names while coming from a mirror.
 * @module
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { InvalidParameter } from '../errors.ts';
import { DOCKER_HUB } from './reference.ts';

/** Docker Hub's API endpoint. */
export const DOCKER_HUB_ENDPOINT = 'https://registry-1.docker.io';
const LOOKUP_TIMEOUT_MS = 5_000;

/** The registry settings of an engine. */
export interface RegistrySettings {
  /** Docker Hub mirrors (URLs), tried in order before Docker Hub. */
  mirrors: string[];
  /** Insecure registries: `host[:port]` or CIDRs. */
  insecure: string[];
  /** Registry host → endpoint URLs tried first, in order. */
  hosts: Record<string, string[]>;
}

/** One place to reach a registry. */
export interface Endpoint {
  /** `https://host[:port]` or `http://…`, no trailing slash. */
  url: string;
  insecureTls: boolean;
  /** A mirror or a mapped endpoint (not the registry itself). */
  mirror: boolean;
}

/** Parses one `--registry-host` value, `NAME=URL[,URL…]`. */
export function parseHostMapping(v: string): [string, string[]] {
  const eq = v.indexOf('=');
  const name = v.slice(0, eq).trim();
  const urls = v.slice(eq + 1).split(',').map((u) => u.trim()).filter(Boolean);
  if (eq <= 0 || !urls.length) throw new InvalidParameter(`invalid registry host mapping ${JSON.stringify(v)}: want NAME=URL[,URL…]`);
  return [name === 'index.docker.io' ? DOCKER_HUB : name, urls.map(normalizeUrl)];
}

/** A mirror or endpoint URL without its trailing slash; `http(s)://` required. */
export function normalizeUrl(u: string): string {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    throw new InvalidParameter(`invalid registry endpoint ${JSON.stringify(u)}: want http://host[:port] or https://…`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidParameter(`invalid registry endpoint ${u}: http or https only`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Whether dockerd would call this registry insecure. */
export async function isInsecure(domain: string, s: RegistrySettings): Promise<boolean> {
  if (s.insecure.includes(domain)) return true;
  const host = domain.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  const blocks = new BlockList();
  blocks.addSubnet('127.0.0.0', 8, 'ipv4');
  blocks.addAddress('::1', 'ipv6');
  for (const entry of s.insecure) {
    const [net, bits] = entry.split('/');
    if (bits !== undefined && isIP(net!)) blocks.addSubnet(net!, Number(bits), isIP(net!) === 6 ? 'ipv6' : 'ipv4');
  }
  const addresses = isIP(host) ? [host] : host === 'localhost' ? ['127.0.0.1']
    : await Promise.race([
      lookup(host, { all: true }).then((a) => a.map((x) => x.address), () => [] as string[]),
      new Promise<string[]>((r) => setTimeout(() => r([]), LOOKUP_TIMEOUT_MS).unref()),
    ]);
  return addresses.some((a) => blocks.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4'));
}

/** The endpoints of a registry, in the order to try them. Pushes skip Docker Hub's mirrors. */
export async function endpointsFor(domain: string, s: RegistrySettings, purpose: 'pull' | 'push'): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  const insecure = await isInsecure(domain, s);
  const mapped = s.hosts[domain] ?? [];
  for (const url of mapped) {
    out.push({ url, insecureTls: insecure || s.insecure.includes(new URL(url).host), mirror: true });
  }
  if (domain === DOCKER_HUB) {
    if (purpose === 'pull') for (const url of s.mirrors) out.push({ url: normalizeUrl(url), insecureTls: false, mirror: true });
    out.push({ url: DOCKER_HUB_ENDPOINT, insecureTls: false, mirror: false });
    return out;
  }
  out.push({ url: `https://${domain}`, insecureTls: insecure, mirror: false });
  if (insecure) out.push({ url: `http://${domain}`, insecureTls: false, mirror: false });
  return out;
}
