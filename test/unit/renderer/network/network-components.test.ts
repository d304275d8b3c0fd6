// @vitest-environment happy-dom
import { mount, RouterLinkStub } from '@vue/test-utils';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it, vi } from 'vitest';
import { shallowRef } from 'vue';
import DetailsSummary from '../../../../src-renderer/components/details/DetailsSummary.vue';
import IngressUrls from '../../../../src-renderer/components/network/IngressUrls.vue';
import PodServices from '../../../../src-renderer/components/network/PodServices.vue';
import ServiceAddresses from '../../../../src-renderer/components/network/ServiceAddresses.vue';
import NodeCapacityPanel from '../../../../src-renderer/components/overview/NodeCapacityPanel.vue';
import type { KubeObject, ResourceType } from '../../../../src-renderer/kube/index.js';
import type { ResourceQuery } from '../../../../src-renderer/stores/resources.js';

/** The lists PodServices asks the resources store for, by resource; synced at once. */
const lists = new Map<string, KubeObject[]>();
const queries: ResourceQuery[] = [];
vi.mock('../../../../src-renderer/stores/index.js', () => ({
  useResourcesStore: () => ({
    useResourceList: (query: () => ResourceQuery | undefined) => {
      const q = query();
      if (q) queries.push(q);
      return {
        items: shallowRef(q ? (lists.get(q.type.resource) ?? []) : []),
        rows: shallowRef([]),
        columns: shallowRef([]),
        state: shallowRef({ phase: 'watching', synced: true }),
        error: shallowRef(undefined),
        lastChange: shallowRef(undefined),
      };
    },
  }),
}));

const ForwardButtonStub = {
  name: 'ForwardButton',
  props: ['clusterId', 'namespace', 'kind', 'name', 'ports'],
  template: '<button class="forward" />',
};

describe('a Service’s addresses', () => {
  it('links a NodePort to 127.0.0.1 in a new tab, and lists in-cluster addresses to copy', () => {
    const wrapper = mount(ServiceAddresses, {
      props: {
        clusterId: 'embedded',
        service: {
          metadata: { name: 'kubia-nodeport', namespace: 'default' },
          spec: {
            type: 'NodePort',
            clusterIP: '10.96.0.7',
            selector: { app: 'kubia' },
            ports: [{ port: 80, nodePort: 30123, protocol: 'TCP' }],
          },
        } satisfies Service,
      },
      global: { stubs: { ForwardButton: ForwardButtonStub } },
    });
    const link = wrapper.get('.host a');
    expect(link.text()).toBe('http://127.0.0.1:30123');
    expect(link.attributes()).toMatchObject({
      href: 'http://127.0.0.1:30123',
      target: '_blank',
      rel: 'noopener noreferrer',
    });
    expect(wrapper.findAll('.cluster code').map((c) => c.text())).toEqual([
      '10.96.0.7:80',
      'kubia-nodeport.default.svc.cluster.local:80',
    ]);
    expect(wrapper.find('.forward').exists()).toBe(false);
  });

  it('shows a LoadBalancer as pending, and offers a ClusterIP Service a port-forward', () => {
    const lb = mount(ServiceAddresses, {
      props: {
        clusterId: 'embedded',
        service: {
          metadata: { name: 'lb', namespace: 'default' },
          spec: {
            type: 'LoadBalancer',
            clusterIP: '10.96.0.8',
            selector: { a: 'b' },
            ports: [{ port: 80, nodePort: 30001 }],
          },
        },
      },
      global: { stubs: { ForwardButton: ForwardButtonStub } },
    });
    expect(lb.get('[data-label="LoadBalancer"]').text()).toContain('pending');

    const cip = mount(ServiceAddresses, {
      props: {
        clusterId: 'embedded',
        service: {
          metadata: { name: 'kubia', namespace: 'ns1' },
          spec: { clusterIP: '10.96.0.9', selector: { a: 'b' }, ports: [{ port: 80 }, { port: 443 }] },
        },
      },
      global: { stubs: { ForwardButton: ForwardButtonStub } },
    });
    expect(cip.findComponent(ForwardButtonStub).props()).toEqual({
      clusterId: 'embedded',
      namespace: 'ns1',
      kind: 'Service',
      name: 'kubia',
      ports: [80, 443],
    });
    expect(cip.text()).toContain('use a port-forward');
  });

  it('copies an address to the clipboard', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const wrapper = mount(ServiceAddresses, {
      props: {
        clusterId: 'embedded',
        service: {
          metadata: { name: 'kubia', namespace: 'default' },
          spec: { clusterIP: '10.96.0.9', ports: [{ port: 80 }] },
        },
      },
      global: { stubs: { ForwardButton: ForwardButtonStub } },
    });
    const copy = wrapper.get('.cluster .copy');
    await copy.trigger('click');
    await vi.waitFor(() => expect(copy.text()).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith('10.96.0.9:80');
  });
});

describe('an Ingress’s URLs', () => {
  it('links rules a browser resolves, gives a curl line for the others, and says pending before the address', async () => {
    const spec = {
      rules: [
        {
          host: 'kubia.localhost',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'kubia', port: { number: 80 } } },
              },
            ],
          },
        },
        {
          host: 'kubia.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'kubia', port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    };
    const wrapper = mount(IngressUrls, { props: { ingress: { metadata: { name: 'kubia' }, spec } } });
    expect(wrapper.get('.address').text()).toContain('pending');
    expect(wrapper.findAll('a')).toHaveLength(0);

    await wrapper.setProps({
      ingress: {
        metadata: { name: 'kubia' },
        spec,
        status: {
          loadBalancer: {
            ingress: [
              {
                ip: '127.0.0.1',
                ports: [
                  { port: 8080, protocol: 'TCP' },
                  { port: 8443, protocol: 'TCP' },
                ],
              },
            ],
          },
        },
      },
    });
    expect(wrapper.get('.address .mono').text()).toBe('127.0.0.1 (HTTP port 8080, HTTPS 8443)');
    const links = wrapper.findAll('a');
    expect(links.map((a) => a.attributes('href'))).toEqual(['http://kubia.localhost:8080/']);
    expect(links[0]!.attributes()).toMatchObject({ target: '_blank', rel: 'noopener noreferrer' });
    expect(wrapper.findAll('.route')[1]!.get('.curl code').text()).toBe(
      `curl -H 'Host: kubia.example.com' 'http://127.0.0.1:8080/'`,
    );
  });
});

describe('the Services that choose a pod', () => {
  const types: ResourceType[] = [
    { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
    {
      group: 'discovery.k8s.io',
      version: 'v1',
      resource: 'endpointslices',
      kind: 'EndpointSlice',
      namespaced: true,
    },
  ];
  const pod: Pod = {
    metadata: { name: 'kubia-abc', namespace: 'default', uid: 'pod-uid', labels: { app: 'kubia' } },
    status: {
      podIP: '10.244.0.5',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'kubia', ready: false, restartCount: 0, image: '', imageID: '' }],
    },
  };

  it('lists them as links with their ports and whether the pod is ready in their endpoints', () => {
    lists.set('services', [
      {
        metadata: { name: 'kubia', namespace: 'default' },
        spec: { selector: { app: 'kubia' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
      { metadata: { name: 'unrelated', namespace: 'default' }, spec: { selector: { app: 'other' } } },
    ]);
    lists.set('endpointslices', [
      {
        metadata: {
          name: 'kubia-1',
          namespace: 'default',
          labels: { 'kubernetes.io/service-name': 'kubia' },
        },
        endpoints: [
          {
            addresses: ['10.244.0.5'],
            targetRef: { kind: 'Pod', uid: 'pod-uid' },
            conditions: { ready: false },
          },
        ],
      } as unknown as KubeObject,
    ]);
    const wrapper = mount(PodServices, {
      props: { clusterId: 'embedded', pod, types },
      global: { stubs: { RouterLink: RouterLinkStub } },
    });
    expect(queries.map((q) => [q.type.resource, q.namespaces, q.mode])).toEqual([
      ['services', ['default'], 'object'],
      ['endpointslices', ['default'], 'object'],
    ]);
    const items = wrapper.findAll('[data-service]');
    expect(items.map((i) => i.attributes('data-service'))).toEqual(['kubia']);
    expect(wrapper.getComponent(RouterLinkStub).props('to')).toEqual({
      name: 'details',
      params: {
        cluster: 'embedded',
        group: 'core',
        version: 'v1',
        resource: 'services',
        namespace: 'default',
        name: 'kubia',
      },
    });
    expect(items[0]!.text()).toContain('80→8080/TCP');
    expect(items[0]!.get('.state').text()).toBe('not ready');
    expect(items[0]!.text()).toContain('container kubia not ready: no traffic until it is');
  });
});

describe('the kube-proxy mode', () => {
  const node = {
    metadata: {
      name: 'kubedesk',
      uid: 'node-uid',
      annotations: {
        'kubedesk.dev/proxy-mode': 'userspace',
        'kubedesk.dev/proxy-mode-reason': 'not root: cannot program iptables',
      },
    },
    status: {
      allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };

  it('shows on the overview’s node panel, and nothing when the node has no annotation', () => {
    const panel = (n: object) =>
      mount(NodeCapacityPanel, {
        props: { clusterId: 'embedded', nodes: [n], pods: [], metrics: undefined, metricsError: undefined },
        global: { stubs: { RouterLink: RouterLinkStub } },
      });
    expect(panel(node).get('.proxy-mode').text()).toBe(
      'kube-proxy: userspace (not root: cannot program iptables)',
    );
    expect(
      panel({ ...node, metadata: { name: 'kubedesk' } })
        .find('.proxy-mode')
        .exists(),
    ).toBe(false);
  });

  it('shows in the node’s details summary', () => {
    const wrapper = mount(DetailsSummary, {
      props: {
        clusterId: 'embedded',
        type: { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false },
        object: { ...node, kind: 'Node' },
        types: [],
        now: Date.now(),
      },
      global: { stubs: { RouterLink: RouterLinkStub } },
    });
    expect(wrapper.get('.proxy-mode').text()).toBe('userspace (not root: cannot program iptables)');
  });
});
