import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../../src-renderer/streams/line-splitter.js';
import { parseTimestamped, sinceTimeOf } from '../../../../src-renderer/streams/log-line.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('LineSplitter', () => {
  it('joins lines split across chunks and keeps the unfinished tail for the next chunk', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(bytes('first li'))).toEqual([]);
    expect(splitter.push(bytes('ne\nsecond\nthi'))).toEqual(['first line', 'second']);
    expect(splitter.push(bytes('rd\n'))).toEqual(['third']);
    expect(splitter.end()).toEqual([]);
  });

  it('strips \\r\\n, keeps empty lines, and ends with the last line that had no newline', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('a\r\n\nb\r')).toEqual(['a', '']);
    expect(splitter.push('\nc')).toEqual(['b']);
    expect(splitter.end()).toEqual(['c']);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const splitter = new LineSplitter();
    const all = bytes('héllo ✓\n');
    const cut = 2; // inside "é"
    expect(splitter.push(all.subarray(0, cut))).toEqual([]);
    expect(splitter.push(all.subarray(cut, 8))).toEqual([]);
    expect(splitter.push(all.subarray(8))).toEqual(['héllo ✓']);
  });

  it('cuts a runaway line at the maximum length', () => {
    const splitter = new LineSplitter(4);
    expect(splitter.push('abcdefghij')).toEqual(['abcd', 'efgh']);
    expect(splitter.push('\n')).toEqual(['ij']);
  });
});

describe('parseTimestamped', () => {
  it('splits the RFC 3339 nanosecond time from the text', () => {
    const line = parseTimestamped('2024-05-01T10:00:00.123456789Z GET /healthz 200');
    expect(line).toEqual({
      time: '2024-05-01T10:00:00.123456789Z',
      text: 'GET /healthz 200',
      micros: Date.parse('2024-05-01T10:00:00Z') * 1000 + 123456,
    });
  });

  it('orders times with fewer digits and zones correctly', () => {
    const a = parseTimestamped('2024-05-01T10:00:00.5Z a').micros!;
    const b = parseTimestamped('2024-05-01T10:00:00.123456Z b').micros!;
    const c = parseTimestamped('2024-05-01T12:00:01+02:00 c').micros!;
    expect(b).toBeLessThan(a);
    expect(c).toBe(Date.parse('2024-05-01T10:00:01Z') * 1000);
  });

  it('keeps a line without a time whole (and an empty text after the time)', () => {
    expect(parseTimestamped('no time here')).toEqual({ text: 'no time here' });
    expect(parseTimestamped('2024-05-01T10:00:00Z ').text).toBe('');
  });

  it('writes sinceTime back with microseconds', () => {
    const micros = parseTimestamped('2024-05-01T10:00:00.123456789Z x').micros!;
    expect(sinceTimeOf(micros)).toBe('2024-05-01T10:00:00.123456Z');
  });
});
