import type { KeyValue } from '../store.js';

/**
 * One change to a key: a put (with the version it wrote) or a tombstone.
 * `sub` orders the changes inside one revision, as etcd's sub-revision does.
 * The same object sits in the key's history and in the revision log that
 * watchers read, so a change costs one allocation.
 */
export interface Change {
  key: string;
  revision: number;
  sub: number;
  /** The key's version after a put; null for a tombstone (a delete). */
  kv: KeyValue | null;
  /** The version this change replaced, for watchers asking for prevKv. */
  prev: KeyValue | undefined;
}

/**
 * Every retained change to one key, oldest first (the counterpart of etcd's
 * `keyIndex`, https://github.com/etcd-io/etcd/blob/main/server/storage/mvcc/key_index.go).
 *
 * A key lives in generations: a generation starts with a put after a delete
 * (or the first put) and ends with a tombstone. For example
 *
 *     put@2  put@3  del@4  put@5            changes
 *     [ 2, 3, tomb 4 ]  [ 5 ]                two generations
 *
 * Reading at revision 3 finds put@3; at 4 the tombstone, so nothing. Compacting
 * at 4 keeps, for every revision ≥ 4, what such a read could see: the change
 * visible at 4 is the tombstone, which no read returns, so it goes too and only
 * put@5 stays. Compacting at 3 instead would keep put@3 (visible at 3) and drop put@2.
 */
export class KeyHistory {
  readonly changes: Change[];

  /**
   * Starts with its first change: an array literal of one element is
   * allocated at its exact size, where `[]` plus a push reserves seventeen
   * slots — most keys never get a second version before compaction.
   */
  constructor(first?: Change) {
    this.changes = first ? [first] : [];
  }

  get latest(): Change | undefined {
    return this.changes[this.changes.length - 1];
  }

  /** The key's value at `revision`, or undefined if it did not exist then. */
  at(revision: number): KeyValue | undefined {
    const changes = this.changes;
    // The latest change is almost always the one asked for.
    for (let i = changes.length - 1; i >= 0; i--) {
      const change = changes[i]!;
      if (change.revision <= revision) return change.kv ?? undefined;
    }
    return undefined;
  }

  /** The live value now (including changes not yet durable). */
  current(): KeyValue | undefined {
    return this.latest?.kv ?? undefined;
  }

  append(change: Change): void {
    this.changes.push(change);
  }

  /**
   * Drop what no read at `revision` or later can see. Returns the number of
   * changes dropped; the history is empty afterwards when the key is gone for good.
   */
  compact(revision: number): number {
    const changes = this.changes;
    let visible = -1;
    for (let i = changes.length - 1; i >= 0; i--) {
      if (changes[i]!.revision <= revision) {
        visible = i;
        break;
      }
    }
    if (visible < 0) return 0;
    // The change visible at `revision` stays, unless it is a tombstone: then
    // nothing at or after `revision` can read it.
    const keepFrom = changes[visible]!.kv === null ? visible + 1 : visible;
    if (keepFrom > 0) changes.splice(0, keepFrom);
    // Nothing will deliver the oldest kept change as an event any more; its
    // link to the version before would only keep that version alive.
    if (changes.length > 0 && changes[0]!.revision < revision) changes[0]!.prev = undefined;
    return keepFrom;
  }

  /** Undo every change after `revision` (a failed write being rolled back). */
  truncateAfter(revision: number): void {
    while (this.changes.length > 0 && this.latest!.revision > revision) this.changes.pop();
  }
}
