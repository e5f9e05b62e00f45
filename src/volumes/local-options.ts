/**
 * The local driver's options (moby `volume/local`): `type` and `device` need each other, `o`
 * needs both; `size` needs quota support, which moorage does not have. Pure.
 * @module
 */
import { InvalidParameter } from '../errors.ts';

const KNOWN = ['type', 'device', 'o', 'size'];

/** Validates the options of a new volume; the message is moby's (`create <name>: …`). */
export function validateLocalOptions(name: string, opts: Record<string, string>): void {
  for (const k of Object.keys(opts)) {
    if (!KNOWN.includes(k)) throw new InvalidParameter(`create ${name}: invalid option: "${k}"`);
  }
  if (opts.size !== undefined) throw new InvalidParameter(`create ${name}: quota size requested but no quota support`);
  if (opts.type !== undefined && opts.device === undefined) throw new InvalidParameter(`create ${name}: missing required option: "device"`);
  if (opts.device !== undefined && opts.type === undefined) throw new InvalidParameter(`create ${name}: missing required option: "type"`);
  if (opts.o !== undefined && (opts.type === undefined || opts.device === undefined)) {
    throw new InvalidParameter(`create ${name}: missing required option: "type"`);
  }
}

/** The `mount` arguments for a volume with options, or null when its data is a plain directory. */
export function mountArgs(opts: Record<string, string>, target: string): string[] | null {
  if (!opts.type) return null;
  const o = (opts.o ?? '').split(',').filter(Boolean);
  const bind = opts.type === 'none' || o.includes('bind');
  const args = bind ? ['--bind'] : ['-t', opts.type];
  const rest = o.filter((x) => x !== 'bind');
  if (rest.length) args.push('-o', rest.join(','));
  return [...args, opts.device!, target];
}
