// @vitest-environment happy-dom
import { mount, RouterLinkStub } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import SideNav from '../../../../src-renderer/components/shell/SideNav.vue';
import { navigationGroups, type ResourceType } from '../../../../src-renderer/kube/index.js';

/** What a fake discovery served: built-in kinds of several groups and one CRD. */
const TYPES: ResourceType[] = [
  ['', 'pods', 'Pod', true],
  ['apps', 'deployments', 'Deployment', true],
  ['apps', 'statefulsets', 'StatefulSet', true],
  ['', 'services', 'Service', true],
  ['', 'configmaps', 'ConfigMap', true],
  ['', 'nodes', 'Node', false],
  ['stable.example.com', 'crontabs', 'CronTab', true],
].map(([group, resource, kind, namespaced]) => ({
  group: group as string,
  version: 'v1',
  resource: resource as string,
  kind: kind as string,
  namespaced: namespaced as boolean,
  verbs: ['list', 'watch'],
  custom: group === 'stable.example.com',
}));

const NavCountStub = { props: ['type'], template: '<span class="count">{{ type.resource }}</span>' };

function mountNav() {
  return mount(SideNav, {
    props: { clusterId: 'embedded', groups: navigationGroups(TYPES), namespaces: [] },
    global: { stubs: { RouterLink: RouterLinkStub, NavCount: NavCountStub } },
  });
}

beforeEach(() => localStorage.clear());

describe('the navigation', () => {
  it('shows the places, then each non-empty group from discovery, Workloads expanded', () => {
    const wrapper = mountNav();
    expect(wrapper.findAll('.places a').map((a) => a.text())).toEqual([
      'Overview',
      'Events',
      'Editor',
      'Port-forwards',
    ]);
    expect(wrapper.findAll('.group').map((g) => g.attributes('data-group'))).toEqual([
      'workloads',
      'network',
      'config',
      'cluster',
      'custom',
    ]);
    const workloads = wrapper.get('[data-group=workloads]');
    expect(workloads.get('.group-title').attributes('aria-expanded')).toBe('true');
    expect(workloads.findAll('.kind .title').map((t) => t.text())).toEqual([
      'Pods',
      'Deployments',
      'StatefulSets',
    ]);
    // Counts only for expanded groups: one per visible kind.
    expect(wrapper.findAll('.count').map((c) => c.text())).toEqual(['pods', 'deployments', 'statefulsets']);
    const links = wrapper.findAllComponents(RouterLinkStub).map((l) => l.props('to'));
    expect(links).toContainEqual({
      name: 'list',
      params: { cluster: 'embedded', group: 'apps', version: 'v1', resource: 'deployments' },
    });
  });

  it('expands a group on click, shows custom resources by API group, and remembers it', async () => {
    const wrapper = mountNav();
    await wrapper.get('[data-group=custom] .group-title').trigger('click');
    const custom = wrapper.get('[data-group=custom]');
    expect(custom.get('.section-title').text()).toBe('stable.example.com');
    expect(custom.findAll('.kind .title').map((t) => t.text())).toEqual(['CronTabs']);
    expect(wrapper.findAll('.count')).toHaveLength(4);
    expect(JSON.parse(localStorage.getItem('kubedesk.nav.expanded')!)).toEqual(['workloads', 'custom']);

    await wrapper.get('[data-group=workloads] .group-title').trigger('click');
    expect(wrapper.findAll('.count').map((c) => c.text())).toEqual(['crontabs']);
    expect(mountNav().get('[data-group=workloads] .group-title').attributes('aria-expanded')).toBe('false');
  });
});
