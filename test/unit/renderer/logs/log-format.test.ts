import { describe, expect, it } from 'vitest';
import {
  containerOptions,
  defaultContainer,
  logFileName,
  sourceColor,
  workloadContainers,
} from '../../../../src-renderer/components/logs/log-format.js';
import { selectorToString } from '../../../../src-renderer/streams/label-selector.js';
import { podLogPath } from '../../../../src-renderer/streams/log-request.js';

describe('log helpers', () => {
  it('lists init, sidecar, app and ephemeral containers in start order', () => {
    const options = containerOptions({
      spec: {
        initContainers: [{ name: 'setup' }, { name: 'mesh', restartPolicy: 'Always' }],
        containers: [{ name: 'app' }],
        ephemeralContainers: [{ name: 'debugger' }],
      },
    });
    expect(options).toEqual([
      { name: 'setup', kind: 'init' },
      { name: 'mesh', kind: 'sidecar' },
      { name: 'app', kind: 'app' },
      { name: 'debugger', kind: 'ephemeral' },
    ]);
  });

  it('picks the default container as kubectl does', () => {
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    expect(defaultContainer({ spec })).toBe('a');
    const annotations = { 'kubectl.kubernetes.io/default-container': 'b' };
    expect(defaultContainer({ metadata: { annotations }, spec })).toBe('b');
    expect(workloadContainers([{ spec }, { spec: { containers: [{ name: 'c' }] } }])).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('writes label selectors as the API takes them', () => {
    expect(
      selectorToString({
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'canary', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=web,tier in (a,b),env notin (dev),canary,!legacy');
    expect(selectorToString({})).toBeUndefined();
  });

  it('builds the log path with only the options given', () => {
    expect(podLogPath('default', 'web', {})).toBe('/api/v1/namespaces/default/pods/web/log');
    expect(
      podLogPath('default', 'web', {
        container: 'app',
        follow: true,
        sinceSeconds: 300,
        sinceTime: 'x',
        tailLines: 0,
        timestamps: true,
      }),
    ).toBe(
      '/api/v1/namespaces/default/pods/web/log?container=app&follow=true&sinceSeconds=300&tailLines=0&timestamps=true',
    );
  });

  it('colours sources from the theme and names downloads', () => {
    expect(sourceColor(0)).toBe('var(--kd-series-1, var(--kd-accent))');
    expect(sourceColor(9)).toBe('var(--kd-series-2, var(--kd-ok))');
    expect(logFileName('deployments-web', new Date('2024-05-01T10:20:30Z'))).toBe(
      'deployments-web-20240501-102030.log',
    );
  });
});
