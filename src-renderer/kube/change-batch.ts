/**
 * What changed in an informer's map since its subscribers last heard: each key once, with its
 * net change. An object added and then modified in the same window is `added`; added then
 * deleted is nothing; deleted then added again (a relist) is `updated`.
 */
export interface InformerChange {
  added: ReadonlySet<string>;
  updated: ReadonlySet<string>;
  deleted: ReadonlySet<string>;
  /** Every key above, for subscribers that only need "these rows changed". */
  keys: ReadonlySet<string>;
}

type Kind = 'added' | 'updated' | 'deleted';

export class ChangeBatch {
  private readonly pending = new Map<string, Kind>();

  get size(): number {
    return this.pending.size;
  }

  record(key: string, kind: Kind): void {
    const before = this.pending.get(key);
    if (before === undefined) {
      this.pending.set(key, kind);
    } else if (before === 'added') {
      if (kind === 'deleted') this.pending.delete(key);
    } else if (before === 'deleted') {
      this.pending.set(key, kind === 'deleted' ? 'deleted' : 'updated');
    } else {
      this.pending.set(key, kind === 'deleted' ? 'deleted' : 'updated');
    }
  }

  /** The batch so far, leaving this one empty. */
  take(): InformerChange {
    const added = new Set<string>();
    const updated = new Set<string>();
    const deleted = new Set<string>();
    for (const [key, kind] of this.pending)
      (kind === 'added' ? added : kind === 'updated' ? updated : deleted).add(key);
    const keys = new Set(this.pending.keys());
    this.pending.clear();
    return { added, updated, deleted, keys };
  }
}
