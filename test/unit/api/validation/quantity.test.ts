import { describe, expect, it } from 'vitest';
import {
  canonicalQuantity,
  compareQuantities,
  DecodeError,
  formatQuantity,
  parseQuantity,
  quantityValue,
} from '../../../../embedded-cluster/api/validation/index.js';

const canon = (v: unknown) => canonicalQuantity(v);

describe('resource quantities', () => {
  it('print in the canonical form the API server returns', () => {
    expect(canon('500m')).toBe('500m');
    expect(canon('1000m')).toBe('1');
    expect(canon(0.65)).toBe('650m');
    expect(canon('.65')).toBe('650m');
    expect(canon('1.5')).toBe('1500m');
    expect(canon('2000')).toBe('2k');
    expect(canon(2000)).toBe('2k');
    expect(canon('1Gi')).toBe('1Gi');
    expect(canon('1024Mi')).toBe('1Gi');
    expect(canon('1536Mi')).toBe('1536Mi');
    expect(canon('1.5Gi')).toBe('1536Mi');
    expect(canon('0.3Ki')).toBe('307200m');
    expect(canon('100Ki')).toBe('100Ki');
    expect(canon('2e3')).toBe('2e3');
    expect(canon('12e3')).toBe('12e3');
    expect(canon(0)).toBe('0');
    expect(canon('-1')).toBe('-1');
    expect(canon('1')).toBe('1');
  });

  it('round ResourceList values up to milli precision', () => {
    expect(canonicalQuantity('0.0001', { roundToMilli: true })).toBe('1m');
    expect(canonicalQuantity('1n')).toBe('1n');
  });

  it('compare by value whatever the suffix', () => {
    expect(compareQuantities(parseQuantity('1'), parseQuantity('1000m'))).toBe(0);
    expect(compareQuantities(parseQuantity('1Ki'), parseQuantity('1k'))).toBe(1);
    expect(quantityValue(parseQuantity('1500m'))).toBe(2n);
    expect(formatQuantity(parseQuantity('5Mi'))).toBe('5Mi');
  });

  it('reject malformed text as the decoder does', () => {
    expect(() => parseQuantity('abc')).toThrow(DecodeError);
    expect(() => parseQuantity('1iG')).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity('')).toThrow(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });
});
