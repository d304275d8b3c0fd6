import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ShellChoice } from '../streams/exec-session.js';

/** `exec` starts a new process (a shell); `attach` joins the container's main process. */
export type TerminalMode = 'exec' | 'attach';

/** A session's life: opening the socket, talking, or over (exit code or failure known). */
export type TerminalState = 'connecting' | 'open' | 'ended';

/** One terminal tab of the bottom panel. Plain data: the socket and xterm live in its component. */
export interface TerminalSessionInfo {
  /** Unique in the window: `t1`, `t2`, … */
  id: string;
  clusterId: string;
  namespace: string;
  pod: string;
  /** Undefined: the server's default (the only container, or `kubectl.kubernetes.io/default-container`). */
  container: string | undefined;
  mode: TerminalMode;
  /** Exec only: which shell to start, and the command line when `shell` is `custom`. */
  shell: ShellChoice;
  command: string;
  state: TerminalState;
  /** What the status line says: `connecting to web/app…`, `exited with code 0`, the server's refusal. */
  status: string;
  /** The process's exit code, once it ended with one. */
  exitCode: number | undefined;
  /** Ended badly: a non-zero exit, a refused or broken connection. */
  failed: boolean;
}

/** What to open a terminal on; the rest has defaults (exec, bash else sh). */
export interface TerminalTarget {
  clusterId: string;
  namespace: string;
  pod: string;
  container?: string | undefined;
  mode?: TerminalMode;
  shell?: ShellChoice;
  command?: string;
}

/** What the session component reports as the connection goes. */
export type TerminalReport = Partial<Pick<TerminalSessionInfo, 'state' | 'status' | 'exitCode' | 'failed'>>;

/** The choices a user may change in a running tab (each reconnects it). */
export type TerminalChoice = Partial<Pick<TerminalSessionInfo, 'container' | 'shell' | 'command'>>;

export const PANEL_MIN_HEIGHT = 120;
export const PANEL_DEFAULT_HEIGHT = 300;
const HEIGHT_KEY = 'kubedesk.terminal.height';

/** A tab's title: `pod/container`, with `(attach)` for an attach session. */
export function terminalTitle(session: Pick<TerminalSessionInfo, 'pod' | 'container' | 'mode'>): string {
  const name = session.container ? `${session.pod}/${session.container}` : session.pod;
  return session.mode === 'attach' ? `${name} (attach)` : name;
}

/**
 * The terminals store: the terminal sessions open in the window's bottom panel (which pod and
 * container, exec or attach, the shell, the connection's state and exit code), which tab is
 * shown, and the panel's height and whether it is expanded. Sessions outlive views: the panel
 * sits in the app shell, so navigating never closes one; only `close` does.
 *
 * @example
 * const terminals = useTerminalsStore();
 * const id = terminals.open({ clusterId: 'embedded', namespace: 'default', pod: 'web-1', container: 'app' });
 * terminals.report(id, { state: 'ended', exitCode: 0, status: 'exited with code 0' });
 * terminals.open({ clusterId: 'embedded', namespace: 'default', pod: 'web-1', mode: 'attach' });
 * terminals.activate(id);   // back to the first tab (and the panel expands)
 * terminals.close(id);
 */
export const useTerminalsStore = defineStore('terminals', () => {
  const sessions = ref<TerminalSessionInfo[]>([]);
  const activeId = ref<string | undefined>(undefined);
  const expanded = ref(true);
  const height = ref(readHeight());
  let counter = 0;

  const active = computed(() => sessions.value.find((s) => s.id === activeId.value));
  /** The panel shows at all only with a session in it: no empty strip when there is none. */
  const visible = computed(() => sessions.value.length > 0);

  function find(id: string): TerminalSessionInfo | undefined {
    return sessions.value.find((s) => s.id === id);
  }

  /** Open a new tab on a container, show it, and expand the panel. Returns the session's id. */
  function open(target: TerminalTarget): string {
    const id = `t${++counter}`;
    sessions.value.push({
      id,
      clusterId: target.clusterId,
      namespace: target.namespace,
      pod: target.pod,
      container: target.container,
      mode: target.mode ?? 'exec',
      shell: target.shell ?? 'auto',
      command: target.command ?? '',
      state: 'connecting',
      status: '',
      exitCode: undefined,
      failed: false,
    });
    activate(id);
    return id;
  }

  /** Show a tab (and the panel, expanded). */
  function activate(id: string): void {
    if (!find(id)) return;
    activeId.value = id;
    expanded.value = true;
  }

  /** Close a tab; its neighbour (the next, else the previous) is shown instead. */
  function close(id: string): void {
    const index = sessions.value.findIndex((s) => s.id === id);
    if (index < 0) return;
    sessions.value.splice(index, 1);
    if (activeId.value === id) {
      activeId.value = (sessions.value[index] ?? sessions.value[index - 1])?.id;
    }
  }

  function closeAll(): void {
    sessions.value = [];
    activeId.value = undefined;
  }

  /** The component's news about its connection. */
  function report(id: string, news: TerminalReport): void {
    const session = find(id);
    if (session) Object.assign(session, news);
  }

  /** Change a tab's container or shell (its component reconnects). */
  function choose(id: string, choice: TerminalChoice): void {
    const session = find(id);
    if (session) Object.assign(session, choice);
  }

  function toggle(): void {
    expanded.value = !expanded.value;
  }

  /** Set the panel's height in pixels, kept between the minimum and `max` (the room the window has). */
  function setHeight(pixels: number, max = Number.POSITIVE_INFINITY): void {
    const ceiling = Math.max(PANEL_MIN_HEIGHT, max);
    height.value = Math.round(Math.min(Math.max(pixels, PANEL_MIN_HEIGHT), ceiling));
  }

  watch(height, (h) => {
    try {
      globalThis.localStorage?.setItem(HEIGHT_KEY, String(h));
    } catch {
      // Storage may be unavailable (private mode): the height then lasts for the session.
    }
  });

  return {
    sessions,
    activeId,
    active,
    expanded,
    height,
    visible,
    find,
    open,
    activate,
    close,
    closeAll,
    report,
    choose,
    toggle,
    setHeight,
  };
});

/** The height the user last dragged the panel to, in this browser profile. */
function readHeight(): number {
  try {
    const saved = Number(globalThis.localStorage?.getItem(HEIGHT_KEY));
    if (Number.isFinite(saved) && saved >= PANEL_MIN_HEIGHT) return saved;
  } catch {
    // No storage: the default.
  }
  return PANEL_DEFAULT_HEIGHT;
}
