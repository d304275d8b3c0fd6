import { describe, expect, it } from 'vitest';
import {
  goLabelSelector,
  isValidCIDR,
  isValidIP,
  parseCron,
  problemString,
  selectorMatches,
  validateLabelSelector,
  validateNonSpecialIP,
} from '../../../../embedded-cluster/api/validation/index.js';

describe('label selectors', () => {
  it('validates operators, values and keys', () => {
    const out = validateLabelSelector(
      {
        matchLabels: { app: 'x' },
        matchExpressions: [
          { key: 'a', operator: 'In', values: [] },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Nope' },
        ],
      },
      'spec.selector',
    ).map(problemString);
    expect(out).toEqual([
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[2].operator: Invalid value: "Nope": not a valid selector operator',
    ]);
  });

  it('matches equality and set-based terms', () => {
    const sel = {
      matchLabels: { app: 'kubia' },
      matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }],
    };
    expect(selectorMatches(sel, { app: 'kubia' })).toBe(true);
    expect(selectorMatches(sel, { app: 'kubia', env: 'prod' })).toBe(false);
    expect(selectorMatches({}, {})).toBe(true);
    expect(selectorMatches(undefined, { a: 'b' })).toBe(false);
  });

  it('prints as Go prints a v1.LabelSelector', () => {
    expect(goLabelSelector({ matchLabels: { b: '2', a: '1' } }).text).toBe(
      'v1.LabelSelector{MatchLabels:map[string]string{"a":"1", "b":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}',
    );
  });
});

describe('IP addresses and CIDRs', () => {
  it('accepts IPv4 (sloppy leading zeros) and IPv6', () => {
    expect(isValidIP('f', '10.0.0.1')).toEqual([]);
    expect(isValidIP('f', '010.0.0.1')).toEqual([]);
    expect(isValidIP('f', '2001:db8::1')).toEqual([]);
    expect(isValidIP('f', '1.2.3').map(problemString)).toEqual([
      'f: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
    expect(isValidCIDR('f', '192.168.1.0/24')).toEqual([]);
    expect(isValidCIDR('f', '192.168.1.0/33').map(problemString)).toEqual([
      'f: Invalid value: "192.168.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
  });

  it('refuses special addresses for endpoints', () => {
    expect(validateNonSpecialIP('127.0.0.1', 'ip').map(problemString)).toEqual([
      'ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]);
    expect(validateNonSpecialIP('11.11.11.11', 'ip')).toEqual([]);
  });
});

describe('cron schedules (robfig/cron ParseStandard)', () => {
  it('parses fields, ranges, steps, names and descriptors', () => {
    const s = parseCron('0,15,30,45 * * * *');
    expect([...s.minutes]).toEqual([0, 15, 30, 45]);
    expect([...parseCron('*/20 1-3 * jan-mar MON').minutes]).toEqual([0, 20, 40]);
    expect([...parseCron('@hourly').minutes]).toEqual([0]);
    expect(parseCron('@every 1h30m').everyMs).toBe(5_400_000);
  });

  it('reports errors with robfig/cron messages', () => {
    expect(() => parseCron('* * *')).toThrow('expected exactly 5 fields, found 3: [* * *]');
    expect(() => parseCron('60 * * * *')).toThrow('end of range (60) above maximum (59): 60');
    expect(() => parseCron('x * * * *')).toThrow(
      'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax',
    );
    expect(() => parseCron('@fortnightly')).toThrow('unrecognized descriptor: @fortnightly');
    expect(() => parseCron('5-1 * * * *')).toThrow('beginning of range (5) beyond end of range (1): 5-1');
  });
});
