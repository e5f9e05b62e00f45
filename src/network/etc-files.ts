/**
 * The files a container's name resolution reads — `/etc/hosts`, `/etc/resolv.conf`,
 * `/etc/hostname` — rendered as Docker writes them (libnetwork `sandbox_dns_unix.go`,
 * `resolvconf`). Pure functions; the engine writes and bind-mounts the results.
 * @module
 */

/** Docker's fixed `/etc/hosts` head. */
const HOSTS_HEAD = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** One `--add-host name:ip` entry. */
export interface ExtraHost {
  name: string;
  ip: string;
}

/** Parses `--add-host` entries (`name:ip` or `name=ip`; an IPv6 address keeps its colons). */
export function parseExtraHost(spec: string): ExtraHost | null {
  const sep = spec.includes('=') ? spec.indexOf('=') : spec.indexOf(':');
  if (sep <= 0) return null;
  const name = spec.slice(0, sep);
  const ip = spec.slice(sep + 1).replace(/^\[(.*)\]$/, '$1');
  return ip ? { name, ip } : null;
}

/** `/etc/hosts`: the fixed head, the extra hosts, then the container's own address(es) and name. */
export function renderHosts(o: { hostname: string; domainname?: string; ips: string[]; extraHosts: ExtraHost[] }): string {
  const lines = [...HOSTS_HEAD, ...o.extraHosts.map((h) => `${h.ip}\t${h.name}`)];
  const names = o.domainname ? `${o.hostname}.${o.domainname} ${o.hostname}` : o.hostname;
  for (const ip of o.ips) lines.push(`${ip}\t${names}`);
  return `${lines.join('\n')}\n`;
}

/** What a host resolv.conf says. */
export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

/** Parses a resolv.conf. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.search = rest;
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

/** True for loopback nameservers, which mean nothing inside a container's namespace. */
function isLocal(ns: string): boolean {
  return ns.startsWith('127.') || ns === '::1';
}

/**
 * The container's `/etc/resolv.conf`. With a network DNS (user networks: aardvark-dns on the
 * gateway) it points there and the user's `--dns` servers become the upstream, as Docker's
 * embedded DNS does; otherwise the user's servers, else the host's without loopback ones
 * (Docker then falls back to Google's servers; moorage writes none rather than send lookups
 * off the machine unasked).
 */
export function renderResolvConf(o: {
  host: ResolvConf; networkDns: string[]; networkSearch: string[]; dns: string[]; dnsSearch: string[]; dnsOptions: string[];
}): string {
  const servers = o.networkDns.length ? o.networkDns : o.dns.length ? o.dns : o.host.nameservers.filter((n) => !isLocal(n));
  const search = o.dnsSearch.length ? o.dnsSearch : [...o.networkSearch, ...o.host.search];
  const options = o.dnsOptions.length ? o.dnsOptions : o.host.options;
  const lines = servers.map((s) => `nameserver ${s}`);
  if (search.length) lines.push(`search ${[...new Set(search)].join(' ')}`);
  if (options.length) lines.push(`options ${[...new Set(options)].join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** `/etc/hostname`. */
export function renderHostname(hostname: string): string {
  return `${hostname}\n`;
}
