// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import ResourceTable from '../../../../src-renderer/components/table/ResourceTable.vue';
import { shownColumns } from '../../../../src-renderer/components/table/table-model.js';
import type { Table, TableRow } from '../../../../src-renderer/kube/index.js';

/** A Table as kube-apiserver returns it for pods (columns from pkg/printers/internalversion). */
function podTable(count: number): Table {
  return {
    kind: 'Table',
    metadata: { resourceVersion: '10' },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique', priority: 0 },
      {
        name: 'Ready',
        type: 'string',
        format: '',
        description: 'The aggregate readiness state',
        priority: 0,
      },
      { name: 'Status', type: 'string', format: '', description: 'The aggregate status', priority: 0 },
      { name: 'Restarts', type: 'string', format: '', description: 'Restarts', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp', priority: 0 },
      { name: 'IP', type: 'string', format: '', description: 'IP address', priority: 1 },
      { name: 'Node', type: 'string', format: '', description: 'Node', priority: 1 },
    ],
    rows: Array.from({ length: count }, (_, i) => ({
      cells: [
        `pod-${i}`,
        '1/1',
        i === 1 ? 'CrashLoopBackOff' : 'Running',
        '0',
        '5m',
        `10.0.0.${i % 250}`,
        'kubedesk',
      ],
      object: { metadata: { name: `pod-${i}`, namespace: 'default', uid: `uid-${i}` } },
    })),
  };
}

// happy-dom lays nothing out: give the scroller the height a window would.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
});

function mountTable(table: Table, options: { wide?: boolean; selected?: Set<string> } = {}) {
  return mount(ResourceTable, {
    props: {
      columns: shownColumns(table.columnDefinitions, { wide: options.wide ?? false, namespaceColumn: false }),
      rows: table.rows,
      selected: options.selected ?? new Set<string>(),
      sort: undefined,
    },
    attachTo: document.body,
  });
}

describe('the resource table', () => {
  it("shows the server's columns, as kubectl get names them, and each row's cells", async () => {
    const wrapper = mountTable(podTable(3));
    await nextTick();
    expect(wrapper.findAll('[role=columnheader].th').map((h) => h.text())).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
    ]);
    const rows = wrapper.findAll('.row');
    expect(rows).toHaveLength(3);
    expect(rows[0]!.findAll('.td').map((c) => c.text())).toEqual(['pod-0', '1/1', 'Running', '0', '5m']);
    expect(rows[1]!.find('.td.danger').text()).toBe('CrashLoopBackOff');
    wrapper.unmount();
  });

  it('adds the wide columns with wide', async () => {
    const wrapper = mountTable(podTable(1), { wide: true });
    await nextTick();
    expect(wrapper.findAll('.th').map((h) => h.text())).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
    ]);
    wrapper.unmount();
  });

  it('puts only a window of 10,000 rows in the DOM, and scrolling moves the window', async () => {
    const table = podTable(10_000);
    const wrapper = mountTable(table);
    await nextTick();
    const rendered = () => wrapper.findAll('.row').map((r) => r.find('.td').text());
    expect(rendered().length).toBeGreaterThan(10);
    expect(rendered().length).toBeLessThan(60);
    expect(rendered()[0]).toBe('pod-0');
    expect(wrapper.get('.body').attributes('style')).toContain(`height: ${10_000 * 28}px`);

    const scroller = wrapper.get('[data-test=resource-table]').element as HTMLElement;
    scroller.scrollTop = 5000 * 28;
    scroller.dispatchEvent(new Event('scroll'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await nextTick();
    expect(rendered()).toContain('pod-5000');
    expect(rendered()).not.toContain('pod-0');
    expect(rendered().length).toBeLessThan(60);
    wrapper.unmount();
  });

  it('emits selection changes, select-all, sort requests and row opens', async () => {
    const table = podTable(3);
    const wrapper = mountTable(table, { selected: new Set(['uid-2']) });
    await nextTick();
    expect(wrapper.findAll('.row.selected')).toHaveLength(1);

    await wrapper.findAll('.row input[type=checkbox]')[0]!.trigger('change');
    expect(wrapper.emitted('update:selected')!.at(-1)![0]).toEqual(new Set(['uid-2', 'uid-0']));
    await wrapper.get('.header input[type=checkbox]').trigger('change');
    expect(wrapper.emitted('update:selected')!.at(-1)![0]).toEqual(new Set(['uid-0', 'uid-1', 'uid-2']));

    await wrapper.findAll('.th')[3]!.trigger('click');
    expect(wrapper.emitted('sort')![0]).toEqual(['cell:3']);

    await wrapper.findAll('.row')[1]!.find('.td').trigger('click');
    expect((wrapper.emitted('open')![0]![0] as TableRow).object.metadata.name).toBe('pod-1');
    wrapper.unmount();
  });

  it('keeps rows keyed by uid when the list changes live', async () => {
    const table = podTable(3);
    const wrapper = mountTable(table);
    await nextTick();
    const first = wrapper.findAll('.row')[0]!.element;
    const updated = table.rows.map((r, i) =>
      i === 0 ? { ...r, cells: ['pod-0', '1/1', 'Terminating', '0', '5m'] } : r,
    );
    await wrapper.setProps({ rows: updated });
    expect(wrapper.findAll('.row')[0]!.element).toBe(first);
    expect(wrapper.findAll('.row')[0]!.text()).toContain('Terminating');
    wrapper.unmount();
  });
});
