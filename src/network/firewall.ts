/**
 * What is left of netavark's firewall when nothing uses it. netavark removes each network's
 * chains with its last container but keeps its global chains (NETAVARK_FORWARD,
 * NETAVARK-HOSTPORT-*) by design; an engine that goes removes them when they are idle — no
 * network chain of any netavark user left, no rule in the forward chain — under the lock every
 * netavark run takes, so no setup races it.
 * @module
 */
import { runTool } from './exec.ts';
import { netavarkLock } from './netavark.ts';

// Runs under flock. Leaves everything if any netavark rule still forwards or masquerades for a
// network (a per-network rule, a forward rule, a port's DNAT); otherwise deletes the jumps into
// netavark's chains, then every (empty) netavark chain, nat and filter.
const SCRIPT = `
set -u
nat=$(iptables-save -t nat 2>/dev/null) || exit 0
filter=$(iptables-save -t filter 2>/dev/null) || exit 0
all=$(printf '%s\\n%s\\n' "$nat" "$filter")
printf '%s\\n' "$all" | grep -q NETAVARK || exit 0
printf '%s\\n' "$all" | grep -qE '^-A (NETAVARK-(DN-)?[0-9A-F]{8,}|NETAVARK_FORWARD|NETAVARK-HOSTPORT-DNAT) ' && exit 0
iptables -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT 2>/dev/null
iptables -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT 2>/dev/null
iptables -t nat -D POSTROUTING -j NETAVARK-HOSTPORT-MASQ 2>/dev/null
iptables -t filter -D FORWARD -m comment --comment "netavark firewall plugin rules" -j NETAVARK_FORWARD 2>/dev/null
for c in $(printf '%s\\n' "$nat" | sed -n 's/^:\\(NETAVARK[^ ]*\\) .*/\\1/p'); do iptables -t nat -F "$c" 2>/dev/null; done
for c in $(printf '%s\\n' "$nat" | sed -n 's/^:\\(NETAVARK[^ ]*\\) .*/\\1/p'); do iptables -t nat -X "$c" 2>/dev/null; done
for c in $(printf '%s\\n' "$filter" | sed -n 's/^:\\(NETAVARK[^ ]*\\) .*/\\1/p'); do iptables -t filter -F "$c" 2>/dev/null; iptables -t filter -X "$c" 2>/dev/null; done
exit 0
`;

/** Removes netavark's global chains if no network of any netavark user needs them. */
export async function removeIdleGlobalChains(): Promise<void> {
  await runTool('flock', ['-w', '30', await netavarkLock(), 'sh', '-c', SCRIPT]);
}

/** The host ports netavark forwards now (its DNAT chain's rules), for any engine. */
export async function forwardedPortRules(): Promise<string> {
  return runTool('iptables', ['-t', 'nat', '-S', 'NETAVARK-HOSTPORT-DNAT']).then((r) => r.stdout, () => '');
}
