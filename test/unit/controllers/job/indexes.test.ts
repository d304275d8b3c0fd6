import { describe, expect, it } from 'vitest';
import {
  firstPendingIndexes,
  formatIndexes,
  hasIndex,
  parseIndexes,
  totalIndexes,
  withIndexes,
} from '../../../../embedded-cluster/controllers/job/indexes.js';

describe('completed index sets', () => {
  it('round-trips the status form and merges adjacent indexes', () => {
    const set = parseIndexes('0-2,4,6-7', 10);
    expect(formatIndexes(set)).toBe('0-2,4,6-7');
    expect(totalIndexes(set)).toBe(6);
    expect(formatIndexes(withIndexes(set, [3, 5, 9]))).toBe('0-7,9');
    expect(hasIndex(set, 4)).toBe(true);
    expect(hasIndex(set, 5)).toBe(false);
  });

  it('drops indexes beyond completions and malformed parts', () => {
    expect(formatIndexes(parseIndexes('0-5,x,8', 3))).toBe('0-2');
    expect(formatIndexes(parseIndexes('', 3))).toBe('');
  });

  it('picks the lowest indexes neither succeeded nor running', () => {
    expect(firstPendingIndexes(parseIndexes('0,2', 6), new Set([1, 4]), 2, 6)).toEqual([3, 5]);
    expect(firstPendingIndexes([], new Set(), 5, 3)).toEqual([0, 1, 2]);
  });
});
