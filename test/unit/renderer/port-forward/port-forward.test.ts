// @vitest-environment happy-dom
/**
 * The port-forward view's parts: the model (ports a target offers, the port text, labels), the
 * list, the form (suggestions from informers, the request it sends, the app's refusal) and the
 * ForwardButton other views drop into their toolbars.
 */
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PortForwardInfo, PortForwardRequest } from '../../../../src-main/shared/bridge.js';
import ForwardButton from '../../../../src-renderer/components/port-forward/ForwardButton.vue';
import {
  forwardsOf,
  parsePort,
  targetLabel,
  targetPorts,
} from '../../../../src-renderer/components/port-forward/forward-model.js';
import PortForwardForm from '../../../../src-renderer/components/port-forward/PortForwardForm.vue';
import PortForwardList from '../../../../src-renderer/components/port-forward/PortForwardList.vue';
import type { KubeObject } from '../../../../src-renderer/kube/index.js';
import { FakeKube } from '../kube/fake-kube.js';
import { fakeBridge, storesOn } from '../stores/fake-bridge.js';

function forward(fields: Partial<PortForwardInfo> = {}): PortForwardInfo {
  return {
    id: 'f1',
    clusterId: 'embedded',
    namespace: 'default',
    target: { kind: 'Service', name: 'api' },
    port: 80,
    localPort: 40123,
    url: 'http://127.0.0.1:40123',
    pod: 'api-7d9-abc',
    podPort: 9090,
    state: 'active',
    connections: 2,
    ...fields,
  };
}

afterEach(() => vi.restoreAllMocks());

describe('the model', () => {
  it('offers a Service its TCP ports, a Pod or workload its containers’ TCP ports', () => {
    const service = {
      spec: {
        ports: [
          { name: 'http', port: 80 },
          { port: 53, protocol: 'UDP' },
          { port: 443, protocol: 'TCP' },
        ],
      },
    };
    expect(targetPorts('Service', service)).toEqual([
      { value: 80, label: '80 (http)' },
      { value: 443, label: '443' },
    ]);
    const containers = [
      {
        name: 'app',
        ports: [
          { name: 'web', containerPort: 8080 },
          { containerPort: 5353, protocol: 'UDP' },
        ],
      },
      { name: 'side', ports: [{ containerPort: 9100 }] },
    ];
    expect(targetPorts('Pod', { spec: { containers } })).toEqual([
      { value: 8080, label: '8080 (web) · app' },
      { value: 9100, label: '9100 · side' },
    ]);
    expect(targetPorts('Deployment', { spec: { template: { spec: { containers } } } })).toHaveLength(2);
    expect(targetPorts('Pod', undefined)).toEqual([]);
  });

  it('reads a port number or a port name; refuses the rest', () => {
    expect(parsePort(' 8080 ')).toBe(8080);
    expect(parsePort('http')).toBe('http');
    expect(parsePort('0')).toBeUndefined();
    expect(parsePort('70000')).toBeUndefined();
    expect(parsePort('Not A Name')).toBeUndefined();
    expect(parsePort('not a port')).toBeUndefined();
    expect(parsePort('a-very-long-port-name')).toBeUndefined();
    expect(parsePort('')).toBeUndefined();
  });

  it('labels a forward as kubectl names it and lists a cluster’s forwards in order', () => {
    expect(targetLabel(forward())).toBe('service/api:80');
    const list = [
      forward({ id: 'b', namespace: 'web', target: { kind: 'Pod', name: 'x' } }),
      forward({ id: 'a' }),
      forward({ id: 'other', clusterId: 'context:dev' }),
    ];
    expect(forwardsOf(list, 'embedded').map((f) => f.id)).toEqual(['a', 'b']);
  });
});

describe('PortForwardList', () => {
  it('shows target, pod, a link that opens in a new tab, state, message and connections; Stop emits', async () => {
    const wrapper = mount(PortForwardList, {
      props: {
        forwards: [
          forward(),
          forward({
            id: 'f2',
            target: { kind: 'Deployment', name: 'worker' },
            port: 'web',
            state: 'waiting',
            message: 'no ready pod of deployment worker',
            connections: 0,
            url: 'http://127.0.0.1:40124',
            localPort: 40124,
          }),
        ].map((f) =>
          f.state === 'waiting' ? { ...f, pod: undefined, podPort: undefined } : f,
        ) as PortForwardInfo[],
      },
    });
    const rows = wrapper.findAll('tbody tr');
    expect(rows).toHaveLength(2);
    const first = rows[0]!;
    expect(first.text()).toContain('service/api:80');
    expect(first.text()).toContain('api-7d9-abc:9090');
    const link = first.get('a');
    expect(link.attributes()).toMatchObject({ href: 'http://127.0.0.1:40123', target: '_blank' });
    expect(link.attributes('rel')).toContain('noopener');
    expect(first.text()).toContain('active');
    expect(rows[1]!.text()).toContain('no ready pod of deployment worker');
    expect(rows[1]!.get('.message').classes()).toContain('waiting');
    await rows[1]!.get('button').trigger('click');
    expect(wrapper.emitted('stop')).toEqual([['f2']]);
  });

  it('says when there is none', () => {
    expect(mount(PortForwardList, { props: { forwards: [] } }).text()).toContain('No port-forwards');
  });
});

/** A FakeKube serving one Service and the `default` namespace to every informer. */
async function stores(bridge = fakeBridge().bridge) {
  const kube = new FakeKube();
  const api: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api', namespace: 'default', uid: 'svc-api', resourceVersion: '11' },
    spec: { ports: [{ name: 'http', port: 80 }] },
  } as KubeObject;
  kube.objects.set('api', api);
  return storesOn(kube, bridge);
}

describe('PortForwardForm', () => {
  it('suggests targets and their ports from informers, and sends the request', async () => {
    await stores();
    const start = vi.fn(async (request: PortForwardRequest) => forward({ ...request, id: 'new' }));
    const wrapper = mount(PortForwardForm, { props: { clusterId: 'embedded', namespace: 'default', start } });
    await flushPromises();
    await vi.waitFor(() =>
      expect(wrapper.findAll('#pf-targets option').map((o) => o.attributes('value'))).toEqual(['api']),
    );
    await wrapper.get('input[name=name]').setValue('api');
    await flushPromises();
    // The target's only port is filled in.
    expect((wrapper.get('input[name=port]').element as HTMLInputElement).value).toBe('80');
    expect(wrapper.findAll('#pf-ports option').map((o) => o.text())).toEqual(['80 (http)']);
    await wrapper.get('input[name=localPort]').setValue('8080');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(start).toHaveBeenCalledWith({
      clusterId: 'embedded',
      namespace: 'default',
      target: { kind: 'Service', name: 'api' },
      port: 80,
      localPort: 8080,
    });
    expect(wrapper.emitted('started')?.[0]).toEqual([forward({ id: 'new', localPort: 8080 })]);
  });

  it('shows the app’s refusal, and keeps the button off until the form is valid', async () => {
    await stores();
    const start = vi.fn(async () => {
      throw new Error('pods "nope" not found');
    });
    const wrapper = mount(PortForwardForm, { props: { clusterId: 'embedded', start } });
    const button = wrapper.get('button[type=submit]');
    expect(button.attributes('disabled')).toBeDefined();
    await wrapper.get('select[name=kind]').setValue('Pod');
    await wrapper.get('input[name=name]').setValue('nope');
    await wrapper.get('input[name=port]').setValue('not a port');
    expect(button.attributes('disabled')).toBeDefined();
    await wrapper.get('input[name=port]').setValue('http');
    expect(button.attributes('disabled')).toBeUndefined();
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(start).toHaveBeenCalledWith(
      expect.objectContaining({ target: { kind: 'Pod', name: 'nope' }, port: 'http' }),
    );
    expect(wrapper.get('[role=alert]').text()).toBe('pods "nope" not found');
  });
});

describe('ForwardButton', () => {
  function mountButton(ports: (number | string)[], kind = 'Service') {
    return mount(ForwardButton, {
      props: { clusterId: 'embedded', namespace: 'default', kind, name: 'api', ports },
      global: { stubs: { RouterLink: RouterLinkStub } },
    });
  }

  it('with one port, starts the forward and opens it', async () => {
    const { bridge } = fakeBridge();
    const requests: PortForwardRequest[] = [];
    bridge.startPortForward = async (request) => {
      requests.push(request);
      return forward({ ...request, id: 'x' });
    };
    await stores(bridge);
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const wrapper = mountButton([80]);
    await wrapper.get('button').trigger('click');
    await flushPromises();
    expect(requests).toEqual([
      { clusterId: 'embedded', namespace: 'default', target: { kind: 'Service', name: 'api' }, port: 80 },
    ]);
    expect(open).toHaveBeenCalledWith('http://127.0.0.1:40123', '_blank', 'noopener,noreferrer');
    expect(wrapper.get('a').attributes('href')).toBe('http://127.0.0.1:40123');
  });

  it('with several ports asks which; reuses a forward already running to it', async () => {
    const { bridge } = fakeBridge();
    bridge.listPortForwards = async () => [forward({ port: 'metrics', url: 'http://127.0.0.1:5000' })];
    bridge.startPortForward = vi.fn();
    await stores(bridge);
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const wrapper = mountButton([80, 'metrics']);
    await wrapper.get('button').trigger('click');
    const choices = wrapper.findAll('[role=menuitem]');
    expect(choices.map((c) => c.text())).toEqual(['80', 'metrics']);
    await choices[1]!.trigger('click');
    await flushPromises();
    expect(bridge.startPortForward).not.toHaveBeenCalled();
    expect(open).toHaveBeenCalledWith('http://127.0.0.1:5000', '_blank', 'noopener,noreferrer');
  });

  it('shows the refusal, and renders nothing for a kind that cannot be forwarded to', async () => {
    const { bridge } = fakeBridge();
    bridge.startPortForward = async () => {
      throw new Error('service api does not have a service port 81');
    };
    await stores(bridge);
    const wrapper = mountButton([81]);
    await wrapper.get('button').trigger('click');
    await flushPromises();
    expect(wrapper.get('[role=alert]').text()).toBe('service api does not have a service port 81');
    expect(mountButton([80], 'ConfigMap').html()).toBe('<!--v-if-->');
  });
});
