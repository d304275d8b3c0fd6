import type { RouteLocationRaw } from 'vue-router';
import type { NavigationGroup, ResourceType, TableRow, KubeObject } from '../../kube/index.js';
import { toDetails, toEditor, toEvents, toList, toOverview, toPortForwards } from '../../routes.js';

/** One thing the command palette can jump to. */
export interface PaletteEntry {
  /** Unique among the entries. */
  id: string;
  category: 'Go to' | 'Kind' | 'Object';
  /** What the row shows and the main text matched. */
  label: string;
  /** A second, dimmer text (the group, the namespace and kind). */
  detail: string;
  /** Other texts that match (short names, the resource's plural). */
  aliases: string[];
  to: RouteLocationRaw;
}

/** The fixed places: Overview, Events, Editor, Port-forwards. */
export function placeEntries(clusterId: string): PaletteEntry[] {
  return [
    { id: 'place:overview', label: 'Overview', to: toOverview(clusterId) },
    { id: 'place:events', label: 'Events', to: toEvents(clusterId) },
    { id: 'place:editor', label: 'Editor', to: toEditor(clusterId) },
    { id: 'place:port-forwards', label: 'Port-forwards', to: toPortForwards(clusterId) },
  ].map((e) => ({ ...e, category: 'Go to' as const, detail: '', aliases: [] }));
}

/** Every kind of the navigation (so CRDs too), with its short names and resource name as aliases. */
export function kindEntries(clusterId: string, groups: readonly NavigationGroup[]): PaletteEntry[] {
  const entries: PaletteEntry[] = [];
  for (const group of groups) {
    for (const item of group.items) {
      const type = item.type;
      entries.push({
        id: `kind:${item.key}`,
        category: 'Kind',
        label: item.title,
        detail: type.group ? `${group.title} · ${type.group}` : group.title,
        aliases: [type.kind, type.resource, ...(type.shortNames ?? [])],
        to: toList(clusterId, type),
      });
    }
  }
  return entries;
}

/** An informer's contents as the palette sees them. */
export interface OpenCollection {
  type: ResourceType;
  items: Iterable<KubeObject | TableRow>;
}

/**
 * The objects of the collections open right now (the informers of the views on screen and the
 * navigation's counts), deduplicated by kind, namespace and name; at most `limit`.
 */
export function objectEntries(
  clusterId: string,
  collections: readonly OpenCollection[],
  limit = 20_000,
): PaletteEntry[] {
  const entries = new Map<string, PaletteEntry>();
  for (const { type, items } of collections) {
    for (const item of items) {
      const metadata = isRow(item) ? item.object.metadata : item.metadata;
      const name = metadata.name;
      if (!name) continue;
      const namespace = type.namespaced ? metadata.namespace : undefined;
      const id = `object:${type.group}/${type.resource}/${namespace ?? ''}/${name}`;
      if (entries.has(id)) continue;
      entries.set(id, {
        id,
        category: 'Object',
        label: name,
        detail: namespace ? `${type.kind} · ${namespace}` : type.kind,
        aliases: [],
        to: toDetails(clusterId, type, namespace, name),
      });
      if (entries.size >= limit) return [...entries.values()];
    }
  }
  return [...entries.values()];
}

function isRow(item: KubeObject | TableRow): item is TableRow {
  return Array.isArray((item as TableRow).cells);
}
