import { describe, expect, it } from 'vitest';
import {
  canonicalIP,
  canonicalName,
  dashedIP,
  ipFromDashed,
  ipFromReverseName,
} from '../../../embedded-cluster/dns/names.js';
import { parseUpstream } from '../../../embedded-cluster/dns/forwarder.js';

describe('DNS names and addresses', () => {
  it('compares names case-insensitively and without the root dot', () => {
    expect(canonicalName('Web.Default.SVC.cluster.local.')).toBe('web.default.svc.cluster.local');
  });

  it('spells IPv6 one way, so indexes and reverse names meet', () => {
    expect(canonicalIP('fd00::20')).toBe('fd00:0000:0000:0000:0000:0000:0000:0020');
    expect(canonicalIP('FD00:0:0:0:0:0:0:20')).toBe('fd00:0000:0000:0000:0000:0000:0000:0020');
    expect(canonicalIP('::ffff:10.0.0.1')).toBe('0000:0000:0000:0000:0000:ffff:0a00:0001');
    expect(canonicalIP('10.96.0.10')).toBe('10.96.0.10');
    expect(canonicalIP('not-an-ip')).toBeUndefined();
  });

  it('reads dashed addresses as CoreDNS does: three dashes and no `--` is IPv4, the rest IPv6', () => {
    expect(ipFromDashed('10-244-0-5')).toBe('10.244.0.5');
    expect(ipFromDashed('fd00--5')).toBe('fd00::5');
    expect(ipFromDashed('1-2-3')).toBeUndefined();
    expect(dashedIP('10.244.0.5')).toBe('10-244-0-5');
    expect(dashedIP('fd00::5')).toBe('fd00--5');
  });

  it('reads reverse names, refusing partial ones', () => {
    expect(ipFromReverseName('10.0.96.10.in-addr.arpa')).toBe('10.96.0.10');
    expect(ipFromReverseName('96.10.in-addr.arpa')).toBeUndefined();
    const nibbles = '1.0.0.0.' + '0.0.0.0.'.repeat(6) + '0.0.d.f.ip6.arpa';
    expect(ipFromReverseName(nibbles)).toBe(canonicalIP('fd00::1'));
  });

  it('parses upstream resolvers with or without a port', () => {
    expect(parseUpstream('1.1.1.1')).toEqual({ host: '1.1.1.1', port: 53 });
    expect(parseUpstream('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseUpstream('::1')).toEqual({ host: '::1', port: 53 });
    expect(parseUpstream('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
  });
});
