import { markRaw, shallowRef, type ShallowRef } from 'vue';
import type {
  InformerChange,
  InformerState,
  KubeObject,
  StatusError,
  TableColumn,
  TableRow,
} from '../kube/index.js';
import type { AnyInformer } from './informer-registry.js';

/**
 * One view's list: the items of one or more informers (one per picked namespace), merged into
 * shallow refs that change once per informer flush. Nothing in them is deeply reactive: the
 * arrays are new on every change (so `computed`s and `v-for` update), the objects inside are
 * `markRaw`, so 10,000 pods never become 10,000 proxies.
 */
export interface ResourceListState {
  /** The worst phase of the informers: disconnected, reconnecting, listing, watching, stopped. */
  phase: InformerState['phase'];
  /** Every informer has listed once, so `items` is complete. */
  synced: boolean;
  error?: StatusError | undefined;
  /** The earliest retry due, ms since the epoch. */
  retryAt?: number | undefined;
}

export interface ResourceListView {
  /** Objects in object mode; in table mode, each row's object (its metadata). */
  items: ShallowRef<readonly KubeObject[]>;
  /** Table mode: the server's rows, as `kubectl get` prints them. */
  rows: ShallowRef<readonly TableRow[]>;
  /** Table mode: the server's column definitions. */
  columns: ShallowRef<readonly TableColumn[]>;
  state: ShallowRef<ResourceListState>;
  /** The last error while disconnected, for the banner; undefined when live. */
  error: ShallowRef<StatusError | undefined>;
  /** The keys (uids) that changed in the last update, for views that patch rows in place. */
  lastChange: ShallowRef<InformerChange | undefined>;
}

const PHASE_RANK: Record<InformerState['phase'], number> = {
  disconnected: 4,
  reconnecting: 3,
  listing: 2,
  watching: 1,
  stopped: 0,
};

export const STOPPED: ResourceListState = Object.freeze({ phase: 'stopped', synced: false });

/** The merged view of `informers`; `dispose()` unsubscribes (the caller releases the informers). */
export class ResourceList implements ResourceListView {
  readonly items = shallowRef<readonly KubeObject[]>([]);
  readonly rows = shallowRef<readonly TableRow[]>([]);
  readonly columns = shallowRef<readonly TableColumn[]>([]);
  readonly state = shallowRef<ResourceListState>(STOPPED);
  readonly error = shallowRef<StatusError | undefined>(undefined);
  readonly lastChange = shallowRef<InformerChange | undefined>(undefined);
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly informers: readonly AnyInformer[]) {
    for (const informer of informers) {
      this.unsubscribe.push(
        informer.onChange((change: InformerChange) => this.rebuild(change)),
        informer.onStateChange(() => this.updateState()),
      );
    }
    this.rebuild(undefined);
    this.updateState();
  }

  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private rebuild(change: InformerChange | undefined): void {
    const table = this.informers.some((i) => i.mode === 'table');
    const all: (KubeObject | TableRow)[] = [];
    for (const informer of this.informers) {
      for (const item of informer.items.values()) all.push(markRaw(item as object) as KubeObject | TableRow);
    }
    if (table) {
      const rows = all as TableRow[];
      this.rows.value = rows;
      this.items.value = rows.map((row) => row.object);
      this.columns.value = this.informers.find((i) => i.columns.length)?.columns ?? [];
    } else {
      this.items.value = all as KubeObject[];
    }
    this.lastChange.value = change;
  }

  private updateState(): void {
    const states = this.informers.map((i) => i.state as InformerState);
    const worst = states.reduce<InformerState | undefined>(
      (a, b) => (!a || PHASE_RANK[b.phase] > PHASE_RANK[a.phase] ? b : a),
      undefined,
    );
    const retries = states.map((s) => s.retryAt).filter((t): t is number => t !== undefined);
    const state: ResourceListState = {
      phase: worst?.phase ?? 'stopped',
      synced: states.length > 0 && states.every((s) => s.synced),
      error: states.find((s) => s.error && s.phase !== 'watching')?.error,
      retryAt: retries.length ? Math.min(...retries) : undefined,
    };
    this.state.value = state;
    this.error.value = state.error;
    // A relist may finish without any item changing (nothing happened while away): the columns
    // and `synced` still need to show, so rebuild when the sync state moves.
    if (state.synced && this.columns.value.length === 0 && this.informers.some((i) => i.columns.length)) {
      this.rebuild(undefined);
    }
  }
}
