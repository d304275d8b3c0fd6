import { describe, expect, it } from 'vitest';
import { describeProbe } from '../../../../src-renderer/components/details/probes.js';

describe('probe descriptions', () => {
  it('describes an HTTP probe with the API defaults filled in', () => {
    expect(describeProbe({ httpGet: { port: 8080, path: '/healthz' } })).toBe(
      'httpGet :8080/healthz every 10s, timeout 1s, failure 3',
    );
  });

  it('shows an initial delay, a success threshold and HTTPS', () => {
    expect(
      describeProbe({
        httpGet: { port: 'https', path: '/ready', scheme: 'HTTPS', host: '10.0.0.1' },
        initialDelaySeconds: 5,
        periodSeconds: 3,
        timeoutSeconds: 2,
        successThreshold: 2,
        failureThreshold: 6,
      }),
    ).toBe('httpGet https://10.0.0.1:https/ready delay 5s every 3s, timeout 2s, success 2, failure 6');
  });

  it('describes tcp, exec and grpc probes', () => {
    expect(describeProbe({ tcpSocket: { port: 5432 }, periodSeconds: 20 })).toBe(
      'tcpSocket :5432 every 20s, timeout 1s, failure 3',
    );
    expect(describeProbe({ exec: { command: ['cat', '/tmp/healthy'] } })).toBe(
      'exec [cat /tmp/healthy] every 10s, timeout 1s, failure 3',
    );
    expect(describeProbe({ grpc: { port: 9000, service: 'health' } })).toBe(
      'grpc :9000 service=health every 10s, timeout 1s, failure 3',
    );
  });

  it('is empty without a probe', () => {
    expect(describeProbe(undefined)).toBe('');
  });
});
