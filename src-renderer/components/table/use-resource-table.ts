import { computed, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { typeKey, type ResourceType, type TableRow } from '../../kube/index.js';
import { useResourcesStore } from '../../stores/index.js';
import { filterRows, nextSort, rowKey, shownColumns, sortRows, type SortSpec } from './table-model.js';

/**
 * A resource table's state: the live Table-mode list of a kind (the label selector goes to the
 * server), and what the user chose — text filter, `wide`, sort, selection — turned into the
 * columns and rows to show. The selection is kept by uid across live updates (rows that go away
 * leave it); everything resets when the kind changes.
 */
export function useResourceTable(options: {
  clusterId: MaybeRefOrGetter<string | undefined>;
  type: MaybeRefOrGetter<ResourceType | undefined>;
  namespaces: MaybeRefOrGetter<readonly string[]>;
}) {
  const filter = ref('');
  const selector = ref('');
  const wide = ref(false);
  const sort = shallowRef<SortSpec | undefined>(undefined);
  const selected = shallowRef<Set<string>>(new Set());

  const list = useResourcesStore().useResourceList(() => {
    const clusterId = toValue(options.clusterId);
    const type = toValue(options.type);
    if (!clusterId || !type) return undefined;
    return {
      clusterId,
      type,
      namespaces: toValue(options.namespaces),
      labelSelector: selector.value || undefined,
      mode: 'table',
    };
  });

  watch(
    () => {
      const type = toValue(options.type);
      return type ? `${toValue(options.clusterId)}:${typeKey(type)}` : '';
    },
    () => {
      filter.value = '';
      selector.value = '';
      sort.value = undefined;
      selected.value = new Set();
    },
  );

  /** NAMESPACE first when the rows may come from several namespaces, as `kubectl get -A`. */
  const namespaceColumn = computed(() => {
    const type = toValue(options.type);
    return !!type?.namespaced && toValue(options.namespaces).length !== 1;
  });
  const columns = computed(() =>
    shownColumns(list.columns.value, { wide: wide.value, namespaceColumn: namespaceColumn.value }),
  );
  const hasWideColumns = computed(() => list.columns.value.some((c) => c.priority > 0));
  const filtered = computed(() => filterRows(list.rows.value, filter.value));
  const rows = computed<readonly TableRow[]>(() => sortRows(filtered.value, columns.value, sort.value));

  // Objects that left the list leave the selection too.
  watch(list.rows, (all) => {
    if (selected.value.size === 0) return;
    const present = new Set(all.map(rowKey));
    const kept = [...selected.value].filter((key) => present.has(key));
    if (kept.length !== selected.value.size) selected.value = new Set(kept);
  });

  const selectedRows = computed(() => list.rows.value.filter((row) => selected.value.has(rowKey(row))));

  function toggleSort(column: string): void {
    sort.value = nextSort(sort.value, column);
  }

  return {
    list,
    filter,
    selector,
    wide,
    sort,
    selected,
    columns,
    rows,
    hasWideColumns,
    selectedRows,
    toggleSort,
  };
}
