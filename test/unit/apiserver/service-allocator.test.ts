import { describe, expect, it } from 'vitest';
import {
  freeClusterIp,
  ipToNumber,
  reservedBandSize,
  SERVICE_CIDR,
} from '../../../embedded-cluster/apiserver/service-allocator.js';

/** A deterministic stand-in for Math.random: always the same point. */
const at = (fraction: number) => () => fraction;

describe('reservedBandSize (KEP-3070: min(max(16, size/16), 256))', () => {
  it('is 0 for ranges of 16 addresses or fewer, 16 for a /24, 256 for a /20 and our /16', () => {
    expect(reservedBandSize(16)).toBe(0); // /28
    expect(reservedBandSize(256)).toBe(16); // /24
    expect(reservedBandSize(4096)).toBe(256); // /20
    expect(reservedBandSize(SERVICE_CIDR.size)).toBe(256); // /16
  });
});

describe('freeClusterIp', () => {
  it('hands out addresses above the reserved band only, wherever the random start falls', () => {
    for (const fraction of [0, 0.25, 0.5, 0.999999]) {
      const ip = freeClusterIp(new Set(), at(fraction))!;
      const offset = ipToNumber(ip) - SERVICE_CIDR.base;
      expect(offset).toBeGreaterThan(256); // 10.96.1.1 and up
      expect(offset).toBeLessThanOrEqual(SERVICE_CIDR.size - 2); // never the broadcast address
    }
    expect(freeClusterIp(new Set(), at(0))).toBe('10.96.1.1');
    expect(freeClusterIp(new Set(), at(0.999999))).toBe('10.96.255.254');
  });

  it('keeps the well-known 10.96.0.10 free while the upper band has room', () => {
    // A /24, so the upper band can be filled: 10.96.0.17 … 10.96.0.254.
    const cidr = { base: SERVICE_CIDR.base, size: 256 };
    const taken = new Set<string>();
    for (let i = 0; i < 254 - 16; i++) {
      const ip = freeClusterIp(taken, Math.random, cidr)!;
      expect(Number(ip.split('.')[3])).toBeGreaterThanOrEqual(17);
      taken.add(ip);
    }
    expect(taken.has('10.96.0.10')).toBe(false);
  });

  it('falls back to the reserved band when the upper one is full, never .0, .1 or the broadcast', () => {
    const cidr = { base: SERVICE_CIDR.base, size: 256 };
    const taken = new Set<string>();
    for (let last = 17; last <= 254; last++) taken.add(`10.96.0.${last}`);
    const low = new Set<string>();
    for (let i = 0; i < 15; i++) {
      const ip = freeClusterIp(new Set([...taken, ...low]), Math.random, cidr)!;
      const last = Number(ip.split('.')[3]);
      expect(last).toBeGreaterThanOrEqual(2);
      expect(last).toBeLessThanOrEqual(16);
      low.add(ip);
    }
    expect(freeClusterIp(new Set([...taken, ...low]), Math.random, cidr)).toBeUndefined();
  });

  it('uses the whole range of a small one (no reserved band in a /28)', () => {
    const cidr = { base: SERVICE_CIDR.base, size: 16 };
    expect(freeClusterIp(new Set(), at(0), cidr)).toBe('10.96.0.2');
    expect(freeClusterIp(new Set(), at(0.999999), cidr)).toBe('10.96.0.14');
  });
});
