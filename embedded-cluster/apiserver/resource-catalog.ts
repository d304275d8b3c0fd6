import { BUILTIN_RESOURCES } from '../api/builtin-resources.js';
import type { ResourceType } from '../api/catalog.js';

/**
 * The resources served right now: the built-ins plus those of established
 * CustomResourceDefinitions. Discovery, OpenAPI and routing all read it, so
 * a CRD's resource appears and disappears everywhere at once.
 */
export class ResourceCatalog {
  private custom = new Map<string, ResourceType[]>();
  private cached: readonly ResourceType[] = BUILTIN_RESOURCES;
  private index = new Map<string, ResourceType>();
  /** Bumped on every change, for caches derived from the catalog. */
  generation = 0;

  constructor() {
    this.reindex();
  }

  all(): readonly ResourceType[] {
    return this.cached;
  }

  find(group: string, version: string, resource: string): ResourceType | undefined {
    return this.index.get(`${group}/${version}/${resource}`);
  }

  /** Serve (or re-serve, after a change) the resources of one CRD. */
  setCustom(crdName: string, resources: ResourceType[]): void {
    this.custom.set(crdName, resources);
    this.reindex();
  }

  removeCustom(crdName: string): void {
    if (this.custom.delete(crdName)) this.reindex();
  }

  private reindex(): void {
    this.cached = [...BUILTIN_RESOURCES, ...[...this.custom.values()].flat()];
    this.index = new Map(this.cached.map((r) => [`${r.group}/${r.version}/${r.resource}`, r]));
    this.generation++;
  }
}
