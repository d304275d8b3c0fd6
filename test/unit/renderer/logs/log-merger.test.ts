import { describe, expect, it } from 'vitest';
import { parseTimestamped } from '../../../../src-renderer/streams/log-line.js';
import { LogMerger } from '../../../../src-renderer/streams/log-merger.js';

const at = (seconds: number, text: string, source: number) => ({
  ...parseTimestamped(`2024-05-01T10:00:${String(seconds).padStart(2, '0')}.000Z ${text}`),
  source,
});

describe('LogMerger', () => {
  it('in arrival order, releases every line at once as it came', () => {
    const merger = new LogMerger({ orderByTime: false });
    merger.push([at(5, 'b1', 1)]);
    merger.push([at(1, 'a1', 0)]);
    expect(merger.drain().map((l) => l.text)).toEqual(['b1', 'a1']);
    expect(merger.size).toBe(0);
  });

  it('by time, holds lines for the window and releases them sorted by timestamp', () => {
    let now = 1000;
    const merger = new LogMerger({ orderByTime: true, windowMs: 300, now: () => now });
    merger.push([at(5, 'b1', 1), at(6, 'b2', 1)]);
    now = 1100;
    merger.push([at(4, 'a1', 0), at(7, 'a2', 0)]);
    expect(merger.drain()).toEqual([]);
    expect(merger.nextDueAt).toBe(1300);
    now = 1300;
    // Only the first push is due; it goes out in its own order.
    expect(merger.drain().map((l) => l.text)).toEqual(['b1', 'b2']);
    now = 1400;
    expect(merger.drain().map((l) => l.text)).toEqual(['a1', 'a2']);
  });

  it('by time, sorts lines released together across streams, keeping each stream stable', () => {
    let now = 0;
    const merger = new LogMerger({ orderByTime: true, windowMs: 300, now: () => now });
    merger.push([at(3, 'a3', 0), at(3, 'a3bis', 0)]);
    merger.push([at(1, 'b1', 1), at(2, 'b2', 1)]);
    merger.push([at(2, 'c2', 2)]);
    now = 300;
    expect(merger.drain().map((l) => l.text)).toEqual(['b1', 'b2', 'c2', 'a3', 'a3bis']);
  });

  it('puts a marker (no time) after the latest time seen, and drains everything when asked', () => {
    let now = 0;
    const merger = new LogMerger({ orderByTime: true, windowMs: 300, now: () => now });
    merger.push([at(9, 'late', 0)]);
    merger.push([{ text: 'pod web-1 is gone', marker: true, source: 1 }]);
    merger.push([at(2, 'early', 1)]);
    expect(merger.drain(true).map((l) => l.text)).toEqual(['early', 'late', 'pod web-1 is gone']);
    now = 1;
  });
});
