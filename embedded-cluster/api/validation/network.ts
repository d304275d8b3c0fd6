import { isIPv6 } from 'node:net';
import type { FieldProblem } from '../catalog.js';
import { invalid } from './problems.js';

/**
 * IP addresses and CIDRs as k8s.io/apimachinery/pkg/util/validation/ip.go
 * (v1.32) checks them, with `netutils.ParseIPSloppy` semantics: IPv4 octets
 * may carry leading zeros, IPv6 zones are not allowed.
 */

export function parseIPv4Sloppy(value: string): number[] | undefined {
  const parts = value.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

export function isIPv4String(value: string): boolean {
  return parseIPv4Sloppy(value) !== undefined;
}

export function isIPv6String(value: string): boolean {
  return !value.includes('%') && isIPv6(value);
}

export function isIP(value: string): boolean {
  return isIPv4String(value) || isIPv6String(value);
}

export function isValidIP(fldPath: string, value: string): FieldProblem[] {
  return isIP(value)
    ? []
    : [invalid(fldPath, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

export function isCIDR(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  if (isIPv4String(ip)) return n <= 32;
  if (isIPv6String(ip)) return n <= 128;
  return false;
}

export function isValidCIDR(fldPath: string, value: string): FieldProblem[] {
  return isCIDR(value)
    ? []
    : [invalid(fldPath, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** IPv4 bytes of an address (IPv4-mapped IPv6 included), for the special-range checks. */
function ipv4Bytes(value: string): number[] | undefined {
  const v4 = parseIPv4Sloppy(value);
  if (v4) return v4;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  return mapped ? parseIPv4Sloppy(mapped[1]!) : undefined;
}

/** `ValidateNonSpecialIP`: no unspecified, loopback or link-local addresses (Endpoints, external IPs). */
export function validateNonSpecialIP(value: string, fldPath: string): FieldProblem[] {
  if (!isIP(value)) return [invalid(fldPath, value, 'must be a valid IP address')];
  const out: FieldProblem[] = [];
  const v4 = ipv4Bytes(value);
  const lower = value.toLowerCase();
  const unspecified = v4 ? v4.every((b) => b === 0) : /^[0:]+$/.test(lower);
  const loopback = v4 ? v4[0] === 127 : lower === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(lower);
  const linkLocalUnicast = v4 ? v4[0] === 169 && v4[1] === 254 : /^fe[89ab]/.test(lower);
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : /^ff[0-9a-f]2:/.test(lower);
  if (unspecified) out.push(invalid(fldPath, value, `may not be unspecified (${value})`));
  if (loopback) out.push(invalid(fldPath, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocalUnicast)
    out.push(invalid(fldPath, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast)
    out.push(
      invalid(fldPath, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'),
    );
  return out;
}
