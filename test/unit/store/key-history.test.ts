import { describe, expect, it } from 'vitest';
import { KeyHistory, type Change } from '../../../embedded-cluster/store/embedded/key-history.js';

function put(revision: number, version: number): Change {
  const kv = {
    key: 'a',
    value: new Uint8Array([revision]),
    createRevision: 2,
    modRevision: revision,
    version,
    lease: 0,
  };
  return { key: 'a', revision, sub: 0, kv, prev: undefined };
}
const tomb = (revision: number): Change => ({ key: 'a', revision, sub: 0, kv: null, prev: undefined });

/** put@2 put@3 del@4 put@5, the example in key-history.ts. */
function example(): KeyHistory {
  const h = new KeyHistory();
  for (const c of [put(2, 1), put(3, 2), tomb(4), put(5, 1)]) h.append(c);
  return h;
}

describe('KeyHistory', () => {
  it('reads the version visible at a revision, nothing at a tombstone or before creation', () => {
    const h = example();
    expect(h.at(1)).toBeUndefined();
    expect(h.at(3)?.modRevision).toBe(3);
    expect(h.at(4)).toBeUndefined();
    expect(h.at(100)?.modRevision).toBe(5);
  });

  it('compacting at the tombstone drops the whole ended generation with it', () => {
    const h = example();
    expect(h.compact(4)).toBe(3);
    expect(h.changes.map((c) => c.revision)).toEqual([5]);
  });

  it('compacting inside a generation keeps the version still visible there', () => {
    const h = example();
    expect(h.compact(3)).toBe(1);
    expect(h.changes.map((c) => c.revision)).toEqual([3, 4, 5]);
    expect(h.at(3)?.modRevision).toBe(3);
  });

  it('a key whose last change is a compacted tombstone ends up empty', () => {
    const h = new KeyHistory();
    h.append(put(2, 1));
    h.append(tomb(3));
    h.compact(10);
    expect(h.changes).toEqual([]);
  });

  it('rolls back changes after a revision', () => {
    const h = example();
    h.truncateAfter(3);
    expect(h.current()?.modRevision).toBe(3);
  });
});
