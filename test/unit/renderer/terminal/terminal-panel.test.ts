// @vitest-environment happy-dom
/**
 * The bottom terminal panel: one tab per session, every session kept mounted across tab switches
 * and collapsing (so a shell never drops), closing one unmounts only it, the top edge resizes,
 * and the tab shows the state and the exit code. The session body (xterm) is replaced by a probe
 * that records its mounts; real xterm runs in the e2e suite.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, onBeforeUnmount, onMounted } from 'vue';
import type { Pod } from 'kubernetes-types/core/v1.js';
import TerminalButtons from '../../../../src-renderer/components/terminal/TerminalButtons.vue';
import TerminalPanel from '../../../../src-renderer/components/terminal/TerminalPanel.vue';
import { useTerminalsStore } from '../../../../src-renderer/stores/index.js';

const probe = vi.hoisted(() => ({ events: [] as string[] }));

vi.mock('../../../../src-renderer/components/terminal/TerminalSession.vue', () => ({
  // An ES module as defineAsyncComponent expects it (it takes `default` only from one).
  __esModule: true,
  default: defineComponent({
    name: 'TerminalSession',
    props: { session: { type: Object, required: true }, active: Boolean },
    setup(props) {
      const id = (props.session as { id: string }).id;
      onMounted(() => probe.events.push(`mount ${id}`));
      onBeforeUnmount(() => probe.events.push(`unmount ${id}`));
      return () => h('div', { class: 'probe', 'data-id': id, 'data-active': String(props.active) });
    },
  }),
}));

const web = { clusterId: 'embedded', namespace: 'default', pod: 'web-1', container: 'app' };

beforeEach(() => {
  localStorage.clear();
  probe.events = [];
  setActivePinia(createPinia());
});

async function mountPanel() {
  const wrapper = mount(TerminalPanel, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('the terminal panel', () => {
  it('takes no room without a session', async () => {
    const wrapper = await mountPanel();
    expect(wrapper.find('[data-testid="terminal-panel"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('keeps every session mounted while switching tabs, showing only the active one', async () => {
    const terminals = useTerminalsStore();
    const a = terminals.open(web);
    const b = terminals.open({ ...web, pod: 'web-2', mode: 'attach' });
    const wrapper = await mountPanel();
    await flushPromises();
    const tabs = wrapper.findAll('[data-testid="terminal-tab"]');
    expect(tabs.map((t) => t.get('.name').text())).toEqual(['web-1/app', 'web-2/app (attach)']);
    expect(tabs[1]!.get('[role="tab"]').attributes('aria-selected')).toBe('true');
    expect(probe.events).toEqual([`mount ${a}`, `mount ${b}`]);

    const page = (id: string) => wrapper.get(`.probe[data-id="${id}"]`);
    expect(page(a).isVisible()).toBe(false);
    expect(page(b).isVisible()).toBe(true);
    expect(page(b).attributes('data-active')).toBe('true');

    await tabs[0]!.get('[role="tab"]').trigger('click');
    expect(terminals.activeId).toBe(a);
    expect(page(a).isVisible()).toBe(true);
    expect(page(a).attributes('data-active')).toBe('true');
    expect(page(b).isVisible()).toBe(false);
    expect(page(b).attributes('data-active')).toBe('false');
    await tabs[1]!.get('[role="tab"]').trigger('click');
    expect(probe.events).toEqual([`mount ${a}`, `mount ${b}`]); // nothing remounted

    // Collapsed: the tab bar stays, the sessions stay mounted but none is active.
    await wrapper.get('[data-testid="terminal-toggle"]').trigger('click');
    expect(wrapper.get('[data-testid="terminal-panel"]').classes()).toContain('collapsed');
    expect(page(b).isVisible()).toBe(false);
    expect(page(b).attributes('data-active')).toBe('false');
    expect(wrapper.findAll('[data-testid="terminal-tab"]')).toHaveLength(2);
    await wrapper.get('[data-testid="terminal-toggle"]').trigger('click');
    expect(page(b).isVisible()).toBe(true);

    // Closing a tab unmounts only its session; the last one takes the panel away.
    await wrapper.findAll('[data-testid="terminal-close"]')[0]!.trigger('click');
    expect(probe.events).toEqual([`mount ${a}`, `mount ${b}`, `unmount ${a}`]);
    expect(wrapper.findAll('[data-testid="terminal-tab"]')).toHaveLength(1);
    await wrapper.get('[data-testid="terminal-close"]').trigger('click');
    expect(probe.events.at(-1)).toBe(`unmount ${b}`);
    expect(wrapper.find('[data-testid="terminal-panel"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('shows each tab’s state, and the exit code once it ended', async () => {
    const terminals = useTerminalsStore();
    const a = terminals.open(web);
    const b = terminals.open(web);
    terminals.report(a, { state: 'open', status: 'connected (v5.channel.k8s.io)' });
    terminals.report(b, { state: 'ended', status: 'exited with code 2', exitCode: 2, failed: true });
    const wrapper = await mountPanel();
    const [first, second] = wrapper.findAll('[data-testid="terminal-tab"]');
    expect(first!.attributes('data-state')).toBe('open');
    expect(first!.get('[role="img"]').attributes('aria-label')).toBe('connected');
    expect(first!.find('[data-testid="terminal-exit"]').exists()).toBe(false);
    expect(second!.attributes('data-state')).toBe('ended');
    expect(second!.get('[role="img"]').attributes('aria-label')).toBe('ended: exited with code 2');
    expect(second!.get('[data-testid="terminal-exit"]').text()).toBe('exit 2');
    wrapper.unmount();
  });

  it('resizes by dragging its top edge, and by the arrow keys', async () => {
    const terminals = useTerminalsStore();
    terminals.open(web);
    const wrapper = await mountPanel();
    expect(wrapper.get('[data-testid="terminal-panel"]').attributes('style')).toContain('height: 300px');
    const edge = wrapper.get('[data-testid="terminal-resizer"]');
    edge.element.dispatchEvent(new PointerEvent('pointerdown', { button: 0, clientY: 500, pointerId: 1 }));
    edge.element.dispatchEvent(new PointerEvent('pointermove', { clientY: 400, pointerId: 1 }));
    edge.element.dispatchEvent(new PointerEvent('pointerup', { clientY: 400, pointerId: 1 }));
    edge.element.dispatchEvent(new PointerEvent('pointermove', { clientY: 100, pointerId: 1 }));
    expect(terminals.height).toBe(400);
    await edge.trigger('keydown', { key: 'ArrowDown' });
    expect(terminals.height).toBe(380);
    expect(wrapper.get('[data-testid="terminal-panel"]').attributes('style')).toContain('height: 380px');
    wrapper.unmount();
  });
});

describe('the Open terminal and Attach buttons', () => {
  const pod = (phase: string): Pod => ({
    metadata: {
      name: 'web-1',
      namespace: 'shop',
      annotations: { 'kubectl.kubernetes.io/default-container': 'app' },
    },
    spec: { containers: [{ name: 'proxy' }, { name: 'app' }] },
    status: { phase },
  });

  it('open a tab on the pod’s default container, exec or attach', async () => {
    const terminals = useTerminalsStore();
    const wrapper = mount(TerminalButtons, { props: { clusterId: 'embedded', pod: pod('Running') } });
    await wrapper.get('[data-testid="open-terminal"]').trigger('click');
    await wrapper.get('[data-testid="attach"]').trigger('click');
    expect(terminals.sessions.map((s) => [s.clusterId, s.namespace, s.pod, s.container, s.mode])).toEqual([
      ['embedded', 'shop', 'web-1', 'app', 'exec'],
      ['embedded', 'shop', 'web-1', 'app', 'attach'],
    ]);
  });

  it('are disabled, saying why, for a completed or deleted pod', async () => {
    const wrapper = mount(TerminalButtons, { props: { clusterId: 'embedded', pod: pod('Succeeded') } });
    const button = wrapper.get('[data-testid="attach"]');
    expect(button.attributes('disabled')).toBeDefined();
    expect(button.attributes('title')).toBe('The pod has completed (Succeeded).');
    await wrapper.setProps({ pod: pod('Running'), gone: true });
    expect(wrapper.get('[data-testid="open-terminal"]').attributes('title')).toBe('The pod is deleted.');
  });
});
