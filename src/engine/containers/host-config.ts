/**
 * The HostConfig fields moorage applies, and the refusal of any other that asks for something:
 * a setting the engine would store and not honour is a 400 naming it, never a silent no-op.
 * Clients send many fields with empty or default values (the docker CLI sends dozens); those
 * ask for nothing and pass.
 * @module
 */
import { InvalidParameter } from '../../errors.ts';
import { RESOURCE_FIELDS } from './resources.ts';
import { SECURITY_FIELDS } from './security.ts';

/** Fields applied by create and start (mounts, networks, lifecycle, limits, confinement). */
const APPLIED = new Set<string>([
  'Binds', 'Mounts', 'Tmpfs', 'AutoRemove', 'RestartPolicy', 'Init', 'ConsoleSize', 'NetworkMode', 'PortBindings',
  'PublishAllPorts', 'Dns', 'DnsSearch', 'DnsOptions', 'ExtraHosts', ...RESOURCE_FIELDS, ...SECURITY_FIELDS,
]);

/** Values that mean "the default" for fields moorage does not apply. */
const DEFAULTS: Record<string, (v: unknown) => boolean> = {
  // A client-side file: the CLI writes it, the engine has nothing to do.
  ContainerIDFile: () => true,
  LogConfig: (v) => {
    const l = v as { Type?: unknown; Config?: unknown } | null;
    return !l || (['', 'json-file', 'k8s-file', 'local', undefined].includes(l.Type as string) && isEmpty(l.Config));
  },
  VolumeDriver: (v) => v === '' || v === 'local' || v == null,
  CgroupnsMode: (v) => v === '' || v === 'host' || v == null,
  UsernsMode: (v) => v === '' || v === 'host' || v == null,
  Isolation: (v) => v === '' || v === 'default' || v == null,
};

/** True for undefined, null, '', 0, false, and arrays or objects of nothing but those. */
export function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.every(isEmpty);
  if (typeof v === 'object') return Object.values(v as object).every(isEmpty);
  return false;
}

/**
 * Throws a 400 for the first field of `hc` that moorage does not apply and that asks for
 * something. `runtime` is the engine's runtime (`Runtime` naming it asks for nothing new).
 */
export function refuseUnapplied(hc: Readonly<Record<string, unknown>>, runtime: string): void {
  for (const [k, v] of Object.entries(hc)) {
    if (APPLIED.has(k) || isEmpty(v) || DEFAULTS[k]?.(v)) continue;
    if (k === 'Runtime' && v === runtime) continue;
    throw new InvalidParameter(`HostConfig.${k} is not supported by moorage: ${JSON.stringify(v).slice(0, 80)}`, 'MOORAGE_UNSUPPORTED_SETTING');
  }
}
