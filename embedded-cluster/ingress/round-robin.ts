import type { Upstream } from './backends.js';

/**
 * Round-robin over each backend's endpoints: one counter per backend key, so every backend
 * spreads its own requests evenly whatever the others receive. A changed endpoint list keeps the
 * counter (the next index wraps into the new list).
 */
export class RoundRobin {
  private readonly next = new Map<string, number>();

  pick(key: string, endpoints: readonly Upstream[]): Upstream | undefined {
    if (endpoints.length === 0) return undefined;
    const index = (this.next.get(key) ?? 0) % endpoints.length;
    this.next.set(key, index + 1);
    return endpoints[index];
  }
}
