// @vitest-environment happy-dom
/** The terminals store: tabs open, show, close (the neighbour takes over), report, and the panel's height. */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import {
  PANEL_DEFAULT_HEIGHT,
  PANEL_MIN_HEIGHT,
  terminalTitle,
  useTerminalsStore,
} from '../../../../src-renderer/stores/index.js';

const web = { clusterId: 'embedded', namespace: 'default', pod: 'web-1', container: 'app' };

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});

describe('terminals store', () => {
  it('opens a tab per call, shows the newest, with exec and bash-else-sh by default', () => {
    const terminals = useTerminalsStore();
    expect(terminals.visible).toBe(false);
    const a = terminals.open(web);
    const b = terminals.open({ ...web, mode: 'attach' });
    expect(a).not.toBe(b);
    expect(terminals.visible).toBe(true);
    expect(terminals.activeId).toBe(b);
    expect(terminals.find(a)).toMatchObject({
      mode: 'exec',
      shell: 'auto',
      command: '',
      state: 'connecting',
      failed: false,
      exitCode: undefined,
    });
    expect(terminals.sessions.map(terminalTitle)).toEqual(['web-1/app', 'web-1/app (attach)']);
    expect(terminalTitle({ pod: 'solo', container: undefined, mode: 'exec' })).toBe('solo');
  });

  it('activating a tab expands a collapsed panel', () => {
    const terminals = useTerminalsStore();
    const a = terminals.open(web);
    terminals.open(web);
    terminals.toggle();
    expect(terminals.expanded).toBe(false);
    terminals.activate(a);
    expect(terminals.activeId).toBe(a);
    expect(terminals.expanded).toBe(true);
    terminals.activate('nope');
    expect(terminals.activeId).toBe(a);
  });

  it('closing the shown tab shows the next one, else the previous; the last one hides the panel', () => {
    const terminals = useTerminalsStore();
    const [a, b, c] = [terminals.open(web), terminals.open(web), terminals.open(web)];
    terminals.activate(b);
    terminals.close(b);
    expect(terminals.activeId).toBe(c);
    terminals.close(c);
    expect(terminals.activeId).toBe(a);
    terminals.close('nope');
    terminals.close(a);
    expect(terminals.activeId).toBeUndefined();
    expect(terminals.visible).toBe(false);
  });

  it('closing another tab keeps the shown one; closeAll empties the panel', () => {
    const terminals = useTerminalsStore();
    const a = terminals.open(web);
    const b = terminals.open(web);
    terminals.close(a);
    expect(terminals.activeId).toBe(b);
    terminals.open(web);
    terminals.closeAll();
    expect(terminals.sessions).toEqual([]);
    expect(terminals.active).toBeUndefined();
  });

  it('records what the session reports and what the user chooses', () => {
    const terminals = useTerminalsStore();
    const id = terminals.open(web);
    terminals.report(id, {
      state: 'ended',
      status: 'exited with code 137 (128 + 9: SIGKILL)',
      exitCode: 137,
      failed: true,
    });
    terminals.choose(id, { shell: 'custom', command: 'python3 -i' });
    expect(terminals.active).toMatchObject({
      state: 'ended',
      exitCode: 137,
      failed: true,
      shell: 'custom',
      command: 'python3 -i',
    });
  });

  it('keeps the height between the minimum and the room there is, and remembers it', async () => {
    const terminals = useTerminalsStore();
    expect(terminals.height).toBe(PANEL_DEFAULT_HEIGHT);
    terminals.setHeight(20);
    expect(terminals.height).toBe(PANEL_MIN_HEIGHT);
    terminals.setHeight(5000, 640);
    expect(terminals.height).toBe(640);
    terminals.setHeight(412.6);
    await nextTick();
    expect(localStorage.getItem('kubedesk.terminal.height')).toBe('413');
    setActivePinia(createPinia());
    expect(useTerminalsStore().height).toBe(413);
  });
});
