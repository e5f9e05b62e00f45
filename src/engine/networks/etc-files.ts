/**
 * Writes a container's `/etc/hosts`, `/etc/resolv.conf` and `/etc/hostname` beside its
 * checkpoint and returns them as bind mounts (Docker mounts them read-write, so a container
 * may edit them; they are rewritten at every start).
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Container } from '../../container/container.ts';
import { InvalidParameter } from '../../errors.ts';
import { parseExtraHost, parseResolvConf, renderHostname, renderHosts, renderResolvConf } from '../../network/etc-files.ts';
import type { BindMount } from '../../runtime/bundle.ts';
import type { Engine } from '../engine.ts';

/** What the sandbox tells the files: the container's addresses and its network's DNS. */
export interface EtcInputs {
  ips: string[];
  networkDns: string[];
  networkSearch: string[];
  /** `--network host`: the host's own files are copied. */
  host: boolean;
}

/** Checks `--add-host` entries at create. */
export function validateExtraHosts(entries: string[] | null | undefined): void {
  for (const e of entries ?? []) {
    if (!parseExtraHost(e)) throw new InvalidParameter(`invalid argument "${e}" for "--add-host" flag: bad format for add-host: "${e}"`);
  }
}

/** Writes the three files and returns their mounts. */
export async function writeEtcFiles(d: Engine, c: Container, o: EtcInputs): Promise<BindMount[]> {
  const hc = c.hostConfig;
  const hostResolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  const extraHosts = (hc.ExtraHosts ?? []).map((e) => parseExtraHost(e)!).filter(Boolean);
  const hosts = o.host
    ? `${(await readFile('/etc/hosts', 'utf8').catch(() => '')).trimEnd()}\n${extraHosts.map((h) => `${h.ip}\t${h.name}`).join('\n')}\n`
    : renderHosts({ hostname: c.config.Hostname, domainname: c.config.Domainname, ips: o.ips, extraHosts });
  const resolv = renderResolvConf({
    host: parseResolvConf(hostResolv), networkDns: o.networkDns, networkSearch: o.networkSearch,
    dns: hc.Dns?.length ? hc.Dns : d.config.dns, dnsSearch: hc.DnsSearch ?? [], dnsOptions: hc.DnsOptions ?? [],
  });
  await Promise.all([
    writeFile(c.hostsPath, hosts, { mode: 0o644 }),
    writeFile(c.resolvConfPath, resolv, { mode: 0o644 }),
    writeFile(c.hostnamePath, renderHostname(c.config.Hostname), { mode: 0o644 }),
  ]);
  return [
    { source: c.hostsPath, destination: '/etc/hosts', readonly: false },
    { source: c.resolvConfPath, destination: '/etc/resolv.conf', readonly: false },
    { source: c.hostnamePath, destination: '/etc/hostname', readonly: false },
  ];
}
