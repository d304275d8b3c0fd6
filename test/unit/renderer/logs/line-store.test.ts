import { describe, expect, it } from 'vitest';
import { LineStore } from '../../../../src-renderer/streams/line-store.js';
import { highlightSegments, LogSearch, matchRanges } from '../../../../src-renderer/streams/log-search.js';

const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ text: `line ${from + i}` }));

describe('LineStore', () => {
  it('keeps the last `capacity` lines, counting what it dropped', () => {
    const store = new LineStore({ capacity: 5 });
    expect(store.append(lines(0, 3))).toBe(0);
    expect(store.append(lines(3, 4))).toBe(2);
    expect(store.length).toBe(5);
    expect(store.at(0)?.text).toBe('line 2');
    expect(store.at(4)?.text).toBe('line 6');
    expect(store.firstSeq).toBe(2);
    expect(store.dropped).toBe(2);
    expect(store.bySeq(6)?.text).toBe('line 6');
  });

  it('holds 300,000 appended lines as the last 200,000', () => {
    const store = new LineStore();
    const batches = Array.from({ length: 300 }, (_, i) => lines(i * 1000, 1000));
    for (const batch of batches) store.append(batch);
    expect(store.length).toBe(200_000);
    expect(store.at(0)?.text).toBe('line 100000');
    expect(store.at(199_999)?.text).toBe('line 299999');
    expect(store.dropped).toBe(100_000);
  });

  it('clears, keeping sequence numbers increasing', () => {
    const store = new LineStore();
    store.append(lines(0, 3));
    store.clear();
    expect(store.length).toBe(0);
    expect(store.firstSeq).toBe(3);
    store.append(lines(3, 1));
    expect(store.at(0)?.text).toBe('line 3');
  });

  it('writes the lines out as a file, with timestamps and prefixes when asked', () => {
    const store = new LineStore();
    store.append([
      { text: 'a', time: '2024-05-01T10:00:00Z', source: 0 },
      { text: 'b', source: 1 },
    ]);
    expect(store.toText()).toBe('a\nb\n');
    expect(store.toText({ timestamps: true, prefix: (l) => `[${l.source}] ` })).toBe(
      '2024-05-01T10:00:00Z [0] a\n[1] b\n',
    );
  });
});

describe('LogSearch', () => {
  it('finds every matching line, case-insensitively, and moves through them wrapping', () => {
    const store = new LineStore();
    store.append([{ text: 'Error: a' }, { text: 'ok' }, { text: 'another error' }]);
    const search = new LogSearch(store);
    search.setQuery('ERROR');
    expect(search.count).toBe(2);
    expect(search.currentIndex()).toBe(0);
    expect(search.next()).toBe(2);
    expect(search.next()).toBe(0);
    expect(search.previous()).toBe(2);
    expect(search.isCurrent(2)).toBe(true);
  });

  it('scans only appended lines, and forgets matches the cap dropped', () => {
    const store = new LineStore({ capacity: 3 });
    const search = new LogSearch(store);
    search.setQuery('x');
    store.append([{ text: 'x1' }, { text: 'y' }]);
    search.update();
    expect(search.count).toBe(1);
    store.append([{ text: 'x2' }, { text: 'y' }]);
    search.update();
    // x1 was dropped: x2 is at index 1 now.
    expect(search.count).toBe(1);
    expect(search.next()).toBe(1);
  });

  it('an empty query matches nothing', () => {
    const store = new LineStore();
    store.append(lines(0, 3));
    const search = new LogSearch(store);
    search.setQuery('');
    expect(search.count).toBe(0);
    expect(search.next()).toBeUndefined();
  });

  it('gives every match in a line, and the line cut into highlighted pieces', () => {
    expect(matchRanges('abcABCab', 'ab')).toEqual([
      [0, 2],
      [3, 5],
      [6, 8],
    ]);
    expect(highlightSegments('say hi, hi!', matchRanges('say hi, hi!', 'hi'))).toEqual([
      { text: 'say ', match: false },
      { text: 'hi', match: true },
      { text: ', ', match: false },
      { text: 'hi', match: true },
      { text: '!', match: false },
    ]);
    expect(highlightSegments('', [])).toEqual([{ text: '', match: false }]);
  });
});
