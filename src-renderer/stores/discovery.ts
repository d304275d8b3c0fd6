import { defineStore } from 'pinia';
import { markRaw, shallowReactive } from 'vue';
import {
  discover,
  navigationGroups,
  StatusError,
  type Discovery,
  type NavigationGroup,
  type ResourceType,
} from '../kube/index.js';
import { useClustersStore } from './clusters.js';

/** One cluster's discovery: what it serves and the menu built from it. */
export interface DiscoveryEntry {
  /** Undefined until the first discovery answered. */
  discovery?: Discovery | undefined;
  groups: NavigationGroup[];
  loading: boolean;
  /** The last failure (kept while an older result still shows). */
  error?: StatusError | undefined;
}

const EMPTY: DiscoveryEntry = Object.freeze({ groups: [], loading: false });

/**
 * The discovery store: each cluster's served resources (`discover()`), the navigation built from
 * them, and the lookup from a route's group/version/resource to a `ResourceType`. The shell
 * asks again when CustomResourceDefinitions change, so a new CRD appears in the menu, the
 * palette and the tables without a reload.
 *
 * @example
 * const discovery = useDiscoveryStore();
 * await discovery.load('embedded');
 * discovery.entry('embedded').groups;                    // the menu
 * discovery.typeOf('embedded', 'apps', 'v1', 'deployments'); // ResourceType | undefined
 */
export const useDiscoveryStore = defineStore('discovery', () => {
  const clusters = useClustersStore();
  /** Entries are replaced whole, so the map need only be shallowly reactive. */
  const entries = shallowReactive(new Map<string, DiscoveryEntry>());
  const inFlight = new Map<string, Promise<void>>();

  function entry(clusterId: string | undefined): DiscoveryEntry {
    return (clusterId && entries.get(clusterId)) || EMPTY;
  }

  /** Discover a cluster's resources; with `force`, again even when already known. */
  function load(clusterId: string, options: { force?: boolean } = {}): Promise<void> {
    const running = inFlight.get(clusterId);
    if (running) return running;
    const known = entries.get(clusterId);
    if (known?.discovery && !options.force) return Promise.resolve();
    entries.set(clusterId, { ...(known ?? EMPTY), loading: true });
    const work = (async () => {
      try {
        const discovery = markRaw(await discover(clusters.api(clusterId)));
        entries.set(clusterId, {
          discovery,
          groups: markRaw(navigationGroups(discovery.types)),
          loading: false,
        });
      } catch (error) {
        const failure =
          error instanceof StatusError
            ? error
            : new StatusError({ kind: 'Status', code: 0, message: String(error) });
        entries.set(clusterId, { ...(entries.get(clusterId) ?? EMPTY), loading: false, error: failure });
      } finally {
        inFlight.delete(clusterId);
      }
    })();
    inFlight.set(clusterId, work);
    return work;
  }

  /**
   * The served type for a route's group (`''` for core), version and resource. When the route
   * names a version other than the preferred one, the preferred type's facts are used with the
   * route's version (scope and kind do not change between versions).
   */
  function typeOf(
    clusterId: string,
    group: string,
    version: string,
    resource: string,
  ): ResourceType | undefined {
    const types = entries.get(clusterId)?.discovery?.types ?? [];
    const found = types.find((t) => t.group === group && t.resource === resource);
    if (!found) return undefined;
    return found.version === version ? found : { ...found, version };
  }

  return { entry, load, typeOf };
});
