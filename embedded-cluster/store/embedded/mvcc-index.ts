import sortedBtree from 'sorted-btree';
import { KEYSPACE_END, type KeyValue } from '../store.js';
import { KeyHistory, type Change } from './key-history.js';

// sorted-btree is CommonJS with a `default` export: Node hands ESM the whole
// module.exports, while bundlers may already unwrap `default`.
const BTree = ('default' in sortedBtree ? sortedBtree.default : sortedBtree) as typeof sortedBtree.default;
const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const EMPTY = new Uint8Array(0);

export interface RangeQuery {
  key: string;
  end?: string | undefined;
  revision: number;
  limit?: number | undefined;
  countOnly?: boolean | undefined;
  keysOnly?: boolean | undefined;
}

/** A change applied while replaying the log or loading a snapshot. */
export type ReplayedChange =
  { type: 'put'; key: string; value: Uint8Array; lease: number } | { type: 'delete'; key: string };

/**
 * The in-memory multi-version index: every retained version of every key,
 * ordered by key, plus the revision log (every change by revision) that
 * watchers read from. Pure data structure: no I/O, no durability, no time.
 *
 * Revisions go 1 (empty store), 2 (first write), 3… A {@link RevisionWriter}
 * gathers one transaction's changes under the next revision; the revision
 * only advances if the transaction changed something.
 */
export class MvccIndex {
  private readonly keys = new BTree<string, KeyHistory>(undefined, compareKeys);
  /** changes of revision r are at `log[r - logBase]`. */
  private log: Change[][] = [];
  private logBase = 2;
  private liveKeys = 0;
  private retainedChanges = 0;

  revision = 1;
  compactRevision = 0;

  /** Apply one transaction's changes under revision `this.revision + 1`. */
  begin(): RevisionWriter {
    return new RevisionWriter(this, this.revision + 1);
  }

  /** Keys in `[key, end)` (or the single key) as of `revision`. */
  range(q: RangeQuery): { kvs: KeyValue[]; count: number; more: boolean } {
    const kvs: KeyValue[] = [];
    let count = 0;
    const limit = q.limit && q.limit > 0 ? q.limit : Infinity;
    const visit = (history: KeyHistory) => {
      const kv = history.at(q.revision);
      if (!kv) return;
      count++;
      if (q.countOnly || kvs.length >= limit) return;
      kvs.push(q.keysOnly ? { ...kv, value: EMPTY } : kv);
    };
    if (q.end === undefined) {
      const history = this.keys.get(q.key);
      if (history) visit(history);
    } else {
      this.scan(q.key, q.end, visit);
    }
    return { kvs, count, more: count > kvs.length && !q.countOnly };
  }

  /** The live value of `key`, including changes not yet durable. */
  current(key: string): KeyValue | undefined {
    return this.keys.get(key)?.current();
  }

  /** Live keys in `[key, end)`, including changes not yet durable. */
  currentKeys(key: string, end: string | undefined): KeyValue[] {
    return this.range({ key, end, revision: Infinity }).kvs;
  }

  /** Changes of revision `revision`, in the order they were made. */
  changesAt(revision: number): Change[] | undefined {
    return this.log[revision - this.logBase];
  }

  /** Forget history below `revision`; see {@link KeyHistory.compact}. */
  compact(revision: number): void {
    if (revision <= this.compactRevision) return;
    // Only keys changed in the dropped revisions can have anything to drop.
    const touched = new Set<string>();
    const drop = Math.min(revision - this.logBase, this.log.length);
    for (let i = 0; i < drop; i++) for (const change of this.log[i]!) touched.add(change.key);
    for (const key of touched) {
      const history = this.keys.get(key);
      if (!history) continue;
      this.retainedChanges -= history.compact(revision);
      if (history.changes.length === 0) this.keys.delete(key);
    }
    if (drop > 0) {
      this.log = this.log.slice(drop);
      this.logBase += drop;
    }
    this.compactRevision = revision;
  }

  /** Undo every revision after `revision` (writes that never became durable). */
  truncateAfter(revision: number): void {
    while (this.revision > revision) {
      const changes = this.log.pop() ?? [];
      for (let i = changes.length - 1; i >= 0; i--) {
        const change = changes[i]!;
        const history = this.keys.get(change.key)!;
        const before = history.current();
        history.truncateAfter(revision);
        this.retainedChanges--;
        const after = history.current();
        this.liveKeys += (after ? 1 : 0) - (before ? 1 : 0);
        if (history.changes.length === 0) this.keys.delete(change.key);
      }
      this.revision--;
    }
  }

  stats(): { liveKeys: number; indexedKeys: number; retainedChanges: number; logRevisions: number } {
    return {
      liveKeys: this.liveKeys,
      indexedKeys: this.keys.size,
      retainedChanges: this.retainedChanges,
      logRevisions: this.log.length,
    };
  }

  /** The live value of every key (including changes not yet durable). */
  *currentValues(): IterableIterator<KeyValue> {
    for (const history of this.keys.values()) {
      const kv = history.current();
      if (kv) yield kv;
    }
  }

  /** Every retained change of every key, in key order (for snapshots). */
  *histories(): IterableIterator<[string, readonly Change[]]> {
    for (const [key, history] of this.keys.entries()) yield [key, history.changes];
  }

  /**
   * Rebuild from snapshot data: per-key histories in key order, then the
   * revision counters. The revision log is derived from the histories.
   */
  static fromHistories(
    entries: Iterable<[string, Change[]]>,
    revision: number,
    compactRevision: number,
  ): MvccIndex {
    const index = new MvccIndex();
    const byRevision = new Map<number, Change[]>();
    for (const [key, changes] of entries) {
      const history = new KeyHistory();
      let prev: KeyValue | undefined;
      for (const change of changes) {
        change.prev = change.revision < compactRevision ? undefined : prev;
        history.append(change);
        prev = change.kv ?? undefined;
        let list = byRevision.get(change.revision);
        if (!list) byRevision.set(change.revision, (list = []));
        list.push(change);
      }
      index.keys.set(key, history);
      index.retainedChanges += changes.length;
      if (history.current()) index.liveKeys++;
    }
    index.revision = revision;
    index.compactRevision = compactRevision;
    index.logBase = Math.max(2, compactRevision);
    index.log = [];
    for (let r = index.logBase; r <= revision; r++) {
      // A revision whose only changes were compacted away keeps an empty slot.
      index.log.push((byRevision.get(r) ?? []).sort((a, b) => a.sub - b.sub));
    }
    return index;
  }

  private scan(key: string, end: string, visit: (history: KeyHistory) => void): void {
    const open = end === KEYSPACE_END;
    if (!open && end <= key) return;
    for (const [k, history] of this.keys.entries(key)) {
      if (!open && k >= end) break;
      visit(history);
    }
  }

  /** @internal used by RevisionWriter */
  commitChanges(revision: number, changes: Change[]): void {
    for (const change of changes) {
      let history = this.keys.get(change.key);
      let before: KeyValue | undefined;
      if (history) {
        before = history.current();
        history.append(change);
      } else {
        this.keys.set(change.key, (history = new KeyHistory(change)));
      }
      this.retainedChanges++;
      this.liveKeys += (change.kv ? 1 : 0) - (before ? 1 : 0);
    }
    // Most revisions change one key: keep that as an exactly-sized array.
    this.log.push(changes.length === 1 ? [changes[0]!] : changes);
    this.revision = revision;
  }
}

/**
 * The changes of one transaction. Reads through it see its own earlier
 * writes, as reads inside an etcd transaction do.
 */
export class RevisionWriter {
  private readonly changes: Change[] = [];
  private readonly pending = new Map<string, KeyValue | null>();

  constructor(
    private readonly index: MvccIndex,
    readonly revision: number,
  ) {}

  get changed(): boolean {
    return this.changes.length > 0;
  }

  /** Current value of `key` as this transaction sees it. */
  get(key: string): KeyValue | undefined {
    const pending = this.pending.get(key);
    if (pending !== undefined) return pending ?? undefined;
    return this.index.current(key);
  }

  /** Live keys in `[key, end)` as this transaction sees them. */
  keysIn(key: string, end: string | undefined): KeyValue[] {
    if (end === undefined) {
      const kv = this.get(key);
      return kv ? [kv] : [];
    }
    const result = new Map<string, KeyValue>();
    for (const kv of this.index.currentKeys(key, end)) result.set(kv.key, kv);
    const open = end === KEYSPACE_END;
    for (const [k, kv] of this.pending) {
      if (k < key || (!open && k >= end)) continue;
      if (kv) result.set(k, kv);
      else result.delete(k);
    }
    return [...result.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  put(key: string, value: Uint8Array, lease: number): KeyValue | undefined {
    const prev = this.get(key);
    const kv: KeyValue = {
      key,
      value,
      createRevision: prev ? prev.createRevision : this.revision,
      modRevision: this.revision,
      version: prev ? prev.version + 1 : 1,
      lease,
    };
    this.record(key, kv, prev);
    return prev;
  }

  /** Delete one key; returns what it held, or undefined if it did not exist. */
  delete(key: string): KeyValue | undefined {
    const prev = this.get(key);
    if (prev) this.record(key, null, prev);
    return prev;
  }

  /** Make the changes part of the index. Returns the store revision after it. */
  commit(): number {
    if (this.changes.length > 0) this.index.commitChanges(this.revision, this.changes);
    return this.index.revision;
  }

  /** What was changed, in order (for the write-ahead log). */
  get changeList(): readonly Change[] {
    return this.changes;
  }

  private record(key: string, kv: KeyValue | null, prev: KeyValue | undefined): void {
    this.changes.push({ key, revision: this.revision, sub: this.changes.length, kv, prev });
    this.pending.set(key, kv);
  }
}

/** Apply replayed changes as one revision (log replay keeps etcd's numbering). */
export function replayRevision(index: MvccIndex, revision: number, changes: ReplayedChange[]): void {
  if (revision !== index.revision + 1) {
    throw new Error(`log revision ${revision} does not follow ${index.revision}`);
  }
  const writer = index.begin();
  for (const change of changes) {
    if (change.type === 'put') writer.put(change.key, change.value, change.lease);
    else writer.delete(change.key);
  }
  writer.commit();
}
