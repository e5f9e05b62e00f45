/**
 * IPv4 addresses and prefixes as numbers: parsing, formatting, containment and overlap. IPv6 is
 * not handled (moorage's networks are IPv4).
 * @module
 */
import { InvalidParameter } from '../errors.ts';

/** An IPv4 prefix: its network address (as a number) and length. */
export interface Cidr {
  /** The network address, host bits cleared. */
  base: number;
  bits: number;
}

/** Parses a dotted IPv4 address into a number; throws on anything else. */
export function parseIp(s: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) throw new InvalidParameter(`invalid IPv4 address: ${s}`);
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) throw new InvalidParameter(`invalid IPv4 address: ${s}`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** True when `s` is a dotted IPv4 address. */
export function isIp(s: string): boolean {
  try {
    parseIp(s);
    return true;
  } catch {
    return false;
  }
}

/** Formats a number as a dotted IPv4 address. */
export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The netmask of a prefix length, as a number. */
function mask(bits: number): number {
  return bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
}

/** Parses `a.b.c.d/n`; `strict` refuses host bits set (Docker refuses them for a subnet). */
export function parseCidr(s: string, strict = false): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m || Number(m[2]) > 32) throw new InvalidParameter(`invalid CIDR address: ${s}`);
  const ip = parseIp(m[1]!);
  const bits = Number(m[2]);
  const base = (ip & mask(bits)) >>> 0;
  if (strict && base !== ip) throw new InvalidParameter(`invalid subnet ${s}: it should be ${formatIp(base)}/${bits}`);
  return { base, bits };
}

/** Formats a prefix as `a.b.c.d/n`. */
export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.bits}`;
}

/** The number of addresses in a prefix. */
export function size(c: Cidr): number {
  return 2 ** (32 - c.bits);
}

/** True when `ip` lies in `c`. */
export function contains(c: Cidr, ip: number): boolean {
  return ((ip & mask(c.bits)) >>> 0) === c.base;
}

/** True when two prefixes share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  const bits = Math.min(a.bits, b.bits);
  return ((a.base & mask(bits)) >>> 0) === ((b.base & mask(bits)) >>> 0);
}
