import { describe, expect, it } from 'vitest';
import { containerViews } from '../../../../src-renderer/components/details/containers.js';
import { POD } from './pod-fixture.js';

describe('container views', () => {
  it('lists init containers and sidecars first, then app containers, each with its status', () => {
    const views = containerViews(POD);
    expect(views.map((v) => [v.name, v.role, v.state.phase])).toEqual([
      ['migrate', 'init', 'terminated'],
      ['proxy', 'sidecar', 'running'],
      ['app', 'app', 'waiting'],
      ['worker', 'app', 'terminated'],
    ]);
    const app = views[2]!;
    expect(app.state.reason).toBe('CrashLoopBackOff');
    expect(app.restarts).toBe(4);
    expect(app.lastState).toMatchObject({
      phase: 'terminated',
      exitCode: 137,
      explanation: 'SIGKILL (128+9): killed: out of memory (OOM)',
    });
    expect(app.probes).toEqual([
      { kind: 'liveness', text: 'httpGet :8080/healthz every 10s, timeout 1s, failure 3' },
      { kind: 'readiness', text: 'httpGet :8080/ready every 5s, timeout 1s, failure 3' },
    ]);
    expect(app.ports).toEqual(['http 8080/TCP']);
    expect(views[3]!.state.explanation).toMatch(/^SIGTERM \(128\+15\)/);
    expect(views[1]!.probes[0]!.text).toBe('tcpSocket :15000 every 1s, timeout 1s, failure 30');
    expect(views[0]!.state.explanation).toBe('success');
  });

  it('says "unknown" for containers the kubelet has not reported yet', () => {
    const views = containerViews({ spec: { containers: [{ name: 'a', image: 'x' }] } });
    expect(views[0]).toMatchObject({
      name: 'a',
      state: { phase: 'unknown' },
      restarts: 0,
      lastState: undefined,
    });
  });
});
