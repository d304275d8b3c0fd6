import { describe, expect, it } from 'vitest';
import { MetricsHistory, RingBuffer } from '../../../../src-renderer/components/details/metrics-history.js';
import {
  formatBytes,
  formatCpu,
  parseQuantity,
} from '../../../../src-renderer/components/details/quantity.js';

describe('metrics ring buffer', () => {
  it('keeps the last N items, oldest first', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.toArray()).toEqual([]);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.length).toBe(3);
    expect(ring.last()).toBe(5);
    ring.push(6);
    expect(ring.toArray()).toEqual([4, 5, 6]);
  });

  it('keeps 40 points per container from successive PodMetrics, skipping repeated windows', () => {
    const history = new MetricsHistory();
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    for (let i = 0; i < 50; i++) {
      const added = history.add(
        {
          timestamp: new Date(t0 + i * 15_000).toISOString(),
          containers: [
            { name: 'app', usage: { cpu: `${i + 1}m`, memory: `${i + 1}Mi` } },
            { name: 'sidecar', usage: { cpu: '500000n', memory: '1Ki' } },
          ],
        },
        0,
      );
      expect(added).toBe(true);
    }
    // The same window again (the server has not sampled since): not added twice.
    expect(history.add({ timestamp: new Date(t0 + 49 * 15_000).toISOString(), containers: [] }, 0)).toBe(
      false,
    );
    expect(history.containers()).toEqual(['app', 'sidecar']);
    const app = history.points('app');
    expect(app).toHaveLength(40);
    expect(app[0]!.cpu).toBeCloseTo(0.011);
    expect(app.at(-1)!.cpu).toBeCloseTo(0.05);
    expect(app.at(-1)!.memory).toBe(50 * 2 ** 20);
    expect(app.at(-1)!.time).toBe(t0 + 49 * 15_000);
    expect(history.points('sidecar')[0]!.cpu).toBeCloseTo(0.0005);
    expect(history.points('gone')).toEqual([]);
  });
});

describe('quantities', () => {
  it('parses CPU and memory as the API serializes them', () => {
    expect(parseQuantity('250m')).toBeCloseTo(0.25);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('123456789n')).toBeCloseTo(0.123456789);
    expect(parseQuantity('64Mi')).toBe(64 * 2 ** 20);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('110')).toBe(110);
    expect(parseQuantity('bogus')).toBeNaN();
    expect(parseQuantity(undefined)).toBeNaN();
  });

  it('formats cores and bytes', () => {
    expect(formatCpu(0.25)).toBe('250m');
    expect(formatCpu(0.0004)).toBe('0.4m');
    expect(formatCpu(2)).toBe('2');
    expect(formatBytes(1536)).toBe('1.5Ki');
    expect(formatBytes(256 * 2 ** 20)).toBe('256Mi');
  });
});
