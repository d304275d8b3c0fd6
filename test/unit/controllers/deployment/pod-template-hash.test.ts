import { describe, expect, it } from 'vitest';
import {
  computeHash,
  fnv32a,
  safeEncodeString,
} from '../../../../embedded-cluster/controllers/deployment/pod-template-hash.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('pod-template-hash', () => {
  it('FNV-32a gives the reference values', () => {
    expect(fnv32a(0x811c9dc5, bytes(''))).toBe(0x811c9dc5);
    expect(fnv32a(0x811c9dc5, bytes('a'))).toBe(0xe40c292c);
    expect(fnv32a(0x811c9dc5, bytes('foobar'))).toBe(0xbf9cf968);
  });

  it('SafeEncodeString maps digits into the vowel-free alphabet', () => {
    expect(safeEncodeString('1234567890')).toBe('56789bcdf4');
  });

  it('depends on the template, not on key order, and changes with collisionCount', () => {
    const a = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
    expect(computeHash(a)).toBe(computeHash(b));
    expect(computeHash(a)).toMatch(/^[456789bcdf]{6,10}$/);
    expect(computeHash(a, 1)).not.toBe(computeHash(a));
    expect(computeHash(a, 0)).not.toBe(computeHash(a));
    const c = { ...a, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
    expect(computeHash(c)).not.toBe(computeHash(a));
  });
});
