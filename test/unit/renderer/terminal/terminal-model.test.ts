/** The terminal's pure parts: the attach URL and settings, links, and a tab's status. */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it, vi } from 'vitest';
import { attachSettings } from '../../../../src-renderer/components/terminal/attach-settings.js';
import { openTerminalLink } from '../../../../src-renderer/components/terminal/links.js';
import { tabStatus } from '../../../../src-renderer/components/terminal/tab-status.js';
import { attachUrl } from '../../../../src-renderer/streams/exec-session.js';

describe('attachUrl', () => {
  it('asks for the container’s streams, no command; stderr apart only without a TTY', () => {
    const tty = new URL(
      attachUrl('ws://127.0.0.1:4000/clusters/embedded/', {
        namespace: 'my ns',
        pod: 'web-1',
        container: 'app',
        tty: true,
        stdin: true,
      }),
    );
    expect(tty.pathname).toBe('/clusters/embedded/api/v1/namespaces/my%20ns/pods/web-1/attach');
    expect([...tty.searchParams]).toEqual([
      ['container', 'app'],
      ['stdin', 'true'],
      ['stdout', 'true'],
      ['stderr', 'false'],
      ['tty', 'true'],
    ]);
    const plain = new URL(
      attachUrl('wss://gw/clusters/x', { namespace: 'd', pod: 'p', tty: false, stdin: false }),
    );
    expect(plain.searchParams.has('container')).toBe(false);
    expect(plain.searchParams.has('command')).toBe(false);
    expect(Object.fromEntries(plain.searchParams)).toEqual({
      stdin: 'false',
      stdout: 'true',
      stderr: 'true',
      tty: 'false',
    });
  });
});

describe('attachSettings', () => {
  const pod = (phase: string): Pod => ({
    metadata: { name: 'p' },
    spec: {
      containers: [
        { name: 'app', tty: true, stdin: true },
        { name: 'log', stdin: true },
      ],
      initContainers: [{ name: 'init' }],
    },
    status: { phase },
  });

  it('follows the container’s own tty and stdin, as kubectl attach does; the first container by default', () => {
    expect(attachSettings(pod('Running'), undefined)).toEqual({
      ok: true,
      container: 'app',
      tty: true,
      stdin: true,
    });
    expect(attachSettings(pod('Running'), 'log')).toEqual({
      ok: true,
      container: 'log',
      tty: false,
      stdin: true,
    });
    expect(attachSettings(pod('Pending'), 'init')).toEqual({
      ok: true,
      container: 'init',
      tty: false,
      stdin: false,
    });
  });

  it('refuses a completed pod, a missing container, a missing pod', () => {
    expect(attachSettings(pod('Succeeded'), 'app')).toEqual({
      ok: false,
      reason: 'Cannot attach to a completed pod; its phase is Succeeded.',
    });
    expect(attachSettings(pod('Running'), 'nope')).toEqual({
      ok: false,
      reason: 'The pod has no container nope.',
    });
    expect(attachSettings(undefined, 'app').ok).toBe(false);
  });
});

describe('openTerminalLink', () => {
  it('opens http(s) links in a new tab without an opener, and nothing else', () => {
    const open = vi.fn();
    expect(openTerminalLink('https://example.com/a?b=1', open)).toBe(true);
    expect(open).toHaveBeenCalledWith('https://example.com/a?b=1', '_blank', 'noopener,noreferrer');
    expect(openTerminalLink('javascript:alert(1)', open)).toBe(false);
    expect(openTerminalLink('file:///etc/passwd', open)).toBe(false);
    expect(openTerminalLink('not a url', open)).toBe(false);
    expect(open).toHaveBeenCalledTimes(1);
  });
});

describe('tabStatus', () => {
  it('is amber while connecting, green when open, grey after a clean exit, red with the code after a bad one', () => {
    expect(tabStatus({ state: 'connecting', status: '', exitCode: undefined, failed: false })).toEqual({
      tone: 'warning',
      label: 'connecting',
      badge: undefined,
    });
    expect(tabStatus({ state: 'open', status: 'connected', exitCode: undefined, failed: false }).tone).toBe(
      'ok',
    );
    expect(tabStatus({ state: 'ended', status: 'exited with code 0', exitCode: 0, failed: false })).toEqual({
      tone: 'idle',
      label: 'ended: exited with code 0',
      badge: 'exit 0',
    });
    const killed = 'exited with code 137 (128 + 9: SIGKILL)';
    expect(tabStatus({ state: 'ended', status: killed, exitCode: 137, failed: true })).toEqual({
      tone: 'danger',
      label: `ended: ${killed}`,
      badge: 'exit 137',
    });
    expect(tabStatus({ state: 'ended', status: '', exitCode: undefined, failed: true }).badge).toBe('failed');
  });
});
