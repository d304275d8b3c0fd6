import type { Informer, InformerMode, ResourceType } from '../kube/index.js';
import { typeKey } from '../kube/index.js';

/**
 * The informers the window runs, shared by reference count: every view that shows the same
 * (cluster, resource, namespace, selectors, mode) uses the same informer, started by the first
 * `acquire` and stopped by the last `release`. Plain TypeScript (no Vue), so its rules are
 * tested on their own; the resources store wraps it.
 */
export interface InformerSpec {
  clusterId: string;
  type: ResourceType;
  /** One namespace, or undefined for all (always undefined for cluster-scoped types). */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  mode: InformerMode;
}

// Informers of either mode share the registry; callers know which mode they asked for.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyInformer = Informer<any>;

export interface Lease {
  informer: AnyInformer;
  key: string;
  /** Give the informer back; calling it again does nothing. */
  release(): void;
}

interface Entry {
  spec: InformerSpec;
  informer: AnyInformer;
  users: number;
}

export class InformerRegistry {
  private readonly entries = new Map<string, Entry>();

  /**
   * @param create builds (but does not start) the informer for a spec
   * @param onRemoved told when the last user released an informer, after it stopped
   */
  constructor(
    private readonly create: (spec: InformerSpec) => AnyInformer,
    private readonly onRemoved: (key: string, spec: InformerSpec) => void = () => {},
  ) {}

  /** Share (or create and start) the informer for `spec`. */
  acquire(spec: InformerSpec): Lease {
    const normalized = normalize(spec);
    const key = specKey(normalized);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { spec: normalized, informer: this.create(normalized), users: 0 };
      this.entries.set(key, entry);
      entry.informer.start();
    }
    entry.users++;
    const held = entry;
    let released = false;
    return {
      informer: held.informer,
      key,
      release: () => {
        if (released) return;
        released = true;
        if (--held.users > 0 || this.entries.get(key) !== held) return;
        this.entries.delete(key);
        held.informer.stop();
        this.onRemoved(key, held.spec);
      },
    };
  }

  /** How many users hold the informer under `key` (0 when there is none). */
  users(key: string): number {
    return this.entries.get(key)?.users ?? 0;
  }

  /** Every running informer with its spec. */
  running(): { key: string; spec: InformerSpec; informer: AnyInformer }[] {
    return [...this.entries].map(([key, { spec, informer }]) => ({ key, spec, informer }));
  }

  /** Stop everything (the window is closing, or tests are done). */
  stopAll(): void {
    for (const [key, entry] of this.entries) {
      entry.informer.stop();
      this.onRemoved(key, entry.spec);
    }
    this.entries.clear();
  }
}

function normalize(spec: InformerSpec): InformerSpec {
  return {
    clusterId: spec.clusterId,
    type: spec.type,
    namespace: spec.type.namespaced ? spec.namespace || undefined : undefined,
    labelSelector: spec.labelSelector?.trim() || undefined,
    fieldSelector: spec.fieldSelector?.trim() || undefined,
    mode: spec.mode,
  };
}

/** The registry key: equal specs share one informer. */
export function specKey(spec: InformerSpec): string {
  const n = normalize(spec);
  return JSON.stringify([
    n.clusterId,
    typeKey(n.type),
    n.namespace ?? '*',
    n.labelSelector ?? '',
    n.fieldSelector ?? '',
    n.mode,
  ]);
}
