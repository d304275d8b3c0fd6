/**
 * Pod IP addresses for one node, as its CNI plugin's host-local IPAM hands them out: each pod gets
 * an address of the node's pod CIDR that no other live pod has, keeps it for its whole life, and
 * gives it back when it is deleted. Addresses are handed out round-robin (the next free one after
 * the last given), so a freed address is not reused at once — as host-local does, to keep a
 * late packet for the old pod from reaching a new one.
 *
 * The range is 10.244.0.0/16 minus the network address, the gateway (.0.1, the bridge a real
 * node's CNI creates) and the broadcast address.
 */
export class PodIpAllocator {
  static readonly CIDR = '10.244.0.0/16';
  private static readonly FIRST = 2;
  private static readonly LAST = 65_534;
  private readonly byOwner = new Map<string, number>();
  private readonly used = new Set<number>();
  private next = PodIpAllocator.FIRST;

  /** The address of `owner` (a pod's uid), allocating one if it has none yet. */
  allocate(owner: string): string {
    const known = this.byOwner.get(owner);
    if (known !== undefined) return format(known);
    const size = PodIpAllocator.LAST - PodIpAllocator.FIRST + 1;
    for (let tried = 0; tried < size; tried++) {
      const candidate = this.next;
      this.next = candidate >= PodIpAllocator.LAST ? PodIpAllocator.FIRST : candidate + 1;
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        this.byOwner.set(owner, candidate);
        return format(candidate);
      }
    }
    throw new Error(`no free pod IP left in ${PodIpAllocator.CIDR}`);
  }

  /**
   * Record that `owner` already has `ip` (a pod that was running before the kubelet restarted).
   * False when the address is outside the range or taken by another pod.
   */
  reserve(owner: string, ip: string): boolean {
    const n = parse(ip);
    if (n === undefined || n < PodIpAllocator.FIRST || n > PodIpAllocator.LAST) return false;
    const known = this.byOwner.get(owner);
    if (known === n) return true;
    if (known !== undefined || this.used.has(n)) return false;
    this.used.add(n);
    this.byOwner.set(owner, n);
    return true;
  }

  /** Give `owner`'s address back. */
  release(owner: string): void {
    const n = this.byOwner.get(owner);
    if (n === undefined) return;
    this.byOwner.delete(owner);
    this.used.delete(n);
  }

  /** How many addresses are in use. */
  get size(): number {
    return this.used.size;
  }
}

function format(n: number): string {
  return `10.244.${n >> 8}.${n & 255}`;
}

function parse(ip: string): number | undefined {
  const match = /^10\.244\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!match) return undefined;
  const high = Number(match[1]);
  const low = Number(match[2]);
  return high > 255 || low > 255 ? undefined : (high << 8) | low;
}
