import { describe, expect, it } from 'vitest';
import { parseServeArgs, runCli, type CliIo } from '../../embedded-cluster/cli.js';

/** `runCli` in this process, with its output captured. */
async function check(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stopSignal: () => new Promise(() => {}),
  };
  return { code: await runCli(argv, io), stdout, stderr };
}

describe('kubedesk serve networking flags', () => {
  it('runs the ingress by default (no option set), off with --no-ingress', () => {
    expect(parseServeArgs([], '/home/ada')).not.toHaveProperty('ingress');
    expect(parseServeArgs(['--no-ingress'], '/home/ada')).toMatchObject({ ingress: false });
  });

  it('takes the ingress ports, 0 meaning any free port', () => {
    expect(parseServeArgs(['--ingress-http-port', '8081', '--ingress-https-port=0'])).toMatchObject({
      ingress: { httpPort: 8081, httpsPort: 0 },
    });
    expect(parseServeArgs(['--ingress-https-port', '9443'])).toMatchObject({ ingress: { httpsPort: 9443 } });
  });

  it('takes the image of kube-proxy’s helper container', () => {
    expect(parseServeArgs(['--proxy-helper-image', 'kubedesk/net-helper:test'])).toMatchObject({
      proxyHelperImage: 'kubedesk/net-helper:test',
    });
    expect(parseServeArgs([])).not.toHaveProperty('proxyHelperImage');
  });

  it.each([
    [['serve', '--ingress-http-port', 'eighty'], 'invalid value "eighty" for --ingress-http-port'],
    [['serve', '--ingress-https-port', '70000'], 'invalid value "70000" for --ingress-https-port'],
    [['serve', '--no-ingress', '--ingress-http-port', '80'], '--no-ingress and --ingress-http(s)-port'],
    [
      ['serve', '--runtime', 'podman'],
      'invalid value "podman" for --runtime: want one of docker, simulated, none',
    ],
  ])('refuses %j: %s', async (argv, message) => {
    const result = await check(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${message}`);
    expect(result.stderr).toMatch(/See 'kubedesk serve --help' for usage\.\n$/);
  });

  it('documents them in --help', async () => {
    const { stdout } = await check(['serve', '--help']);
    expect(stdout).toContain('--no-ingress');
    expect(stdout).toContain('--ingress-http-port N');
    expect(stdout).toContain('--ingress-https-port N');
  });
});
