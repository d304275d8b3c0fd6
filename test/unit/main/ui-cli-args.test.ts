/** `kubedesk ui`'s flags: defaults, checks and the usage errors it shares with `kubedesk serve`. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_UI_PORT, parseUiArgs, runUi, type UiIo } from '../../../src-main/ui-cli.js';

const linux = { platform: 'linux' as const, env: {}, home: '/home/ana' };

describe('parseUiArgs', () => {
  it('defaults to the platform data dir, a fixed port, Docker, and opening the browser', () => {
    expect(parseUiArgs([], linux)).toEqual({
      dataDir: '/home/ana/.local/share/kubedesk',
      port: DEFAULT_UI_PORT,
      runtime: 'docker',
      open: true,
    });
  });

  it('reads every flag', () => {
    expect(
      parseUiArgs(
        [
          '--data-dir',
          '~/kd',
          '--port',
          '0',
          '--runtime',
          'simulated',
          '--context',
          'kind-kind',
          '--no-open',
        ],
        linux,
      ),
    ).toEqual({ dataDir: '/home/ana/kd', port: 0, runtime: 'simulated', context: 'kind-kind', open: false });
    expect(parseUiArgs(['-h'], linux)).toBe('help');
  });

  it('refuses bad values with kubectl-style messages', () => {
    expect(() => parseUiArgs(['--port', '70000'], linux)).toThrow('invalid value "70000" for --port');
    expect(() => parseUiArgs(['--runtime', 'none'], linux)).toThrow('want one of docker, simulated');
    expect(() => parseUiArgs(['--data-dir', ' '], linux)).toThrow('--data-dir must not be empty');
    expect(() => parseUiArgs(['--wat'], linux)).toThrow('unknown flag: --wat');
    expect(() => parseUiArgs(['extra'], linux)).toThrow('unexpected argument: extra');
    expect(() => parseUiArgs(['--port'], linux)).toThrow('flag needs an argument: --port');
  });
});

describe('runUi', () => {
  function io(): UiIo & { out: string; err: string } {
    const captured = {
      out: '',
      err: '',
      stdout: (text: string) => (captured.out += text),
      stderr: (text: string) => (captured.err += text),
      stopSignal: () => new Promise<string>(() => {}),
      cliPath: '/nonexistent',
      staticDir: '/nonexistent',
      openBrowser: () => {},
    };
    return captured;
  }

  it('prints usage errors with exit code 2, and help with 0', async () => {
    const bad = io();
    expect(await runUi(['--runtime', 'none'], bad)).toBe(2);
    expect(bad.err).toBe(
      `error: invalid value "none" for --runtime: want one of docker, simulated\nSee 'kubedesk ui --help' for usage.\n`,
    );
    const help = io();
    expect(await runUi(['--help'], help)).toBe(0);
    expect(help.out).toMatch(/^Usage: kubedesk ui \[--data-dir DIR\] \[--port N\]/);
  });
});
