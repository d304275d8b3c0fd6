import { describe, expect, it } from 'vitest';
import {
  holdsTemplate,
  nextRevision,
  revisionName,
  revisionsToPrune,
  sortRevisions,
  templateOf,
  templatePatch,
  type ControllerRevision,
} from '../../../../embedded-cluster/controllers/history/controller-history.js';
import {
  canonicalJson,
  computeHash,
  fnv32a,
  safeEncode,
} from '../../../../embedded-cluster/controllers/history/hash.js';

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};

function revision(name: string, number: number, created = '2024-01-01T00:00:00Z'): ControllerRevision {
  return { metadata: { name, creationTimestamp: created }, revision: number, data: templatePatch(template) };
}

describe('revision hashing', () => {
  it('is FNV-1a, encoded in the alphabet without vowels', () => {
    expect(fnv32a(new TextEncoder().encode(''))).toBe(0x811c9dc5);
    expect(fnv32a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(safeEncode('0123456789')).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  });

  it('gives equal templates equal hashes whatever their key order, and a collision count changes it', () => {
    const reordered = {
      spec: { containers: [{ image: 'nginx', name: 'c' }] },
      metadata: { labels: { app: 'web' } },
    };
    expect(computeHash(reordered)).toBe(computeHash(template));
    expect(computeHash(template, 1)).not.toBe(computeHash(template));
    expect(computeHash({ ...template, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } })).not.toBe(
      computeHash(template),
    );
  });

  it('writes JSON as Go marshals it: sorted keys, HTML characters escaped', () => {
    expect(canonicalJson({ b: 1, a: { d: '<&>', c: [2, 1] } })).toBe(
      '{"a":{"c":[2,1],"d":"\\u003c\\u0026\\u003e"},"b":1}',
    );
  });
});

describe('revision data', () => {
  it('is a strategic merge patch replacing the template, and gives the template back', () => {
    const data = templatePatch(template);
    expect(data).toEqual({ spec: { template: { ...template, $patch: 'replace' } } });
    expect(Object.keys((data.spec as { template: object }).template)).toEqual(['$patch', 'metadata', 'spec']);
    const rev = revision('web-1', 1);
    expect(templateOf(rev)).toEqual(template);
    expect(holdsTemplate(rev, template)).toBe(true);
    expect(holdsTemplate(rev, { ...template, metadata: { labels: { app: 'other' } } })).toBe(false);
  });

  it('names revisions <owner>-<hash>, cutting long owner names', () => {
    expect(revisionName('web', 'abc')).toBe('web-abc');
    expect(revisionName('x'.repeat(300), 'abc')).toHaveLength(223 + 4);
  });
});

describe('revision history', () => {
  it('sorts by number, then age, then name, and numbers the next one past the highest', () => {
    const revisions = [
      revision('c', 2),
      revision('b', 1, '2024-01-02T00:00:00Z'),
      revision('a', 1, '2024-01-02T00:00:00Z'),
    ];
    expect(sortRevisions(revisions).map((r) => r.metadata?.name)).toEqual(['a', 'b', 'c']);
    expect(nextRevision(revisions)).toBe(3);
    expect(nextRevision([])).toBe(1);
  });

  it('prunes the oldest revisions beyond the limit, sparing the ones kept', () => {
    const revisions = [1, 2, 3, 4, 5].map((n) => revision(`r${n}`, n));
    expect(revisionsToPrune(revisions, 2, new Set()).map((r) => r.metadata?.name)).toEqual([
      'r1',
      'r2',
      'r3',
    ]);
    expect(revisionsToPrune(revisions, 2, new Set(['r1'])).map((r) => r.metadata?.name)).toEqual([
      'r2',
      'r3',
      'r4',
    ]);
    expect(revisionsToPrune(revisions, 10, new Set())).toEqual([]);
    expect(revisionsToPrune(revisions, 0, new Set())).toHaveLength(5);
  });
});
