import { describe, expect, it } from 'vitest';
import { PodIpAllocator } from '../../../embedded-cluster/kubelet/pod-ips.js';

describe('PodIpAllocator', () => {
  it('gives each pod its own address in 10.244.0.0/16, the same one every time it asks', () => {
    const ips = new PodIpAllocator();
    const a = ips.allocate('uid-a');
    const b = ips.allocate('uid-b');
    expect(a).toBe('10.244.0.2');
    expect(b).toBe('10.244.0.3');
    expect(ips.allocate('uid-a')).toBe(a);
    expect(ips.size).toBe(2);
  });

  it('takes a released address back, but hands out fresh ones first (round robin)', () => {
    const ips = new PodIpAllocator();
    const a = ips.allocate('uid-a');
    ips.release('uid-a');
    expect(ips.size).toBe(0);
    expect(ips.allocate('uid-b')).not.toBe(a);
  });

  it('crosses octets and wraps around to freed addresses when it reaches the end', () => {
    const ips = new PodIpAllocator();
    for (let i = 0; i < 254; i++) ips.allocate(`p${i}`);
    expect(ips.allocate('next')).toBe('10.244.1.0');
    const many = new PodIpAllocator();
    for (let i = 0; i < 65_533; i++) many.allocate(`p${i}`);
    expect(() => many.allocate('one-too-many')).toThrow(/no free pod IP/);
    many.release('p7');
    expect(many.allocate('again')).toBe('10.244.0.9');
  });

  it('adopts addresses pods already had (after a restart) and refuses taken or foreign ones', () => {
    const ips = new PodIpAllocator();
    expect(ips.reserve('uid-a', '10.244.0.2')).toBe(true);
    expect(ips.reserve('uid-a', '10.244.0.2')).toBe(true);
    expect(ips.reserve('uid-b', '10.244.0.2')).toBe(false);
    expect(ips.reserve('uid-c', '192.168.1.5')).toBe(false);
    expect(ips.reserve('uid-d', '10.244.0.1')).toBe(false);
    expect(ips.allocate('uid-e')).toBe('10.244.0.3');
  });
});
