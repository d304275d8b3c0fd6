/**
 * How a forward's port becomes a container port (kubectl port-forward's rules), which pods may
 * take connections, and the requests the renderer may send.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import {
  isPodReady,
  labelSelectorQuery,
  normalizePort,
  pickPod,
  podContainerPort,
  serviceTargetPort,
} from '../../../../src-main/port-forward/port-resolution.js';
import { checkRequest } from '../../../../src-main/port-forward/request-check.js';

const pod: Pod = {
  metadata: { name: 'web' },
  spec: {
    containers: [
      { name: 'app', ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9000 }] },
      { name: 'sidecar', ports: [{ name: 'metrics', containerPort: 9100 }] },
    ],
  },
};

const service: Service = {
  metadata: { name: 'web' },
  spec: {
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'admin', port: 81, targetPort: 9000 },
      { port: 82 },
      { name: 'digits', port: 83, targetPort: '8083' as unknown as number },
    ],
  },
};

describe('podContainerPort', () => {
  it('takes a number as is (kubectl does not check it is declared), and numeric strings too', () => {
    expect(podContainerPort(pod, 1234)).toBe(1234);
    expect(podContainerPort(pod, '8080')).toBe(8080);
  });

  it('finds a named port in any container', () => {
    expect(podContainerPort(pod, 'http')).toBe(8080);
    expect(podContainerPort(pod, 'metrics')).toBe(9100);
  });

  it('says which named port the pod lacks', () => {
    expect(() => podContainerPort(pod, 'grpc')).toThrow("pod web does not have a named port 'grpc'");
  });
});

describe('serviceTargetPort', () => {
  it('maps the service port, by number or by name, to its targetPort', () => {
    expect(serviceTargetPort(service, 80)).toBe('http');
    expect(serviceTargetPort(service, 'http')).toBe('http');
    expect(serviceTargetPort(service, 81)).toBe(9000);
    expect(serviceTargetPort(service, 'admin')).toBe(9000);
    expect(serviceTargetPort(service, 83)).toBe(8083);
  });

  it('defaults the targetPort to the port', () => {
    expect(serviceTargetPort(service, 82)).toBe(82);
  });

  it('refuses a port the service does not have, listing the ones it has', () => {
    expect(() => serviceTargetPort(service, 8080)).toThrow(
      'service web does not have a service port 8080; its ports: 80 (http), 81 (admin), 82, 83 (digits)',
    );
  });
});

describe('normalizePort', () => {
  it('refuses ports out of range and empty names', () => {
    expect(() => normalizePort(0)).toThrow(/between 1 and 65535/);
    expect(() => normalizePort('70000')).toThrow(/between 1 and 65535/);
    expect(() => normalizePort(' ')).toThrow(/empty/);
    expect(normalizePort(' http ')).toBe('http');
  });
});

describe('isPodReady', () => {
  const ready = (status: Pod['status'], deleting = false): Pod => ({
    metadata: { name: 'p', ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    status,
  });
  const readyCondition = [{ type: 'Ready', status: 'True' }];
  it('wants Running, the Ready condition, and no deletion under way', () => {
    expect(isPodReady(ready({ phase: 'Running', conditions: readyCondition }))).toBe(true);
    expect(isPodReady(ready({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] }))).toBe(
      false,
    );
    expect(isPodReady(ready({ phase: 'Pending', conditions: readyCondition }))).toBe(false);
    expect(isPodReady(ready({ phase: 'Running', conditions: readyCondition }, true))).toBe(false);
  });
});

describe('labelSelectorQuery', () => {
  it('writes matchLabels and every operator of matchExpressions', () => {
    expect(
      labelSelectorQuery({
        matchLabels: { app: 'web', tier: 'front' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'staging'] },
          { key: 'track', operator: 'NotIn', values: ['canary'] },
          { key: 'owner', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=web,tier=front,env in (prod,staging),track notin (canary),owner,!legacy');
    expect(labelSelectorQuery(undefined)).toBe('');
  });
});

describe('pickPod', () => {
  it('keeps the current pod while it qualifies, else takes the first by name', () => {
    expect(pickPod(['b', 'a', 'c'], 'c')).toBe('c');
    expect(pickPod(['b', 'a'], 'gone')).toBe('a');
    expect(pickPod([], 'gone')).toBeUndefined();
  });
});

describe('checkRequest', () => {
  const good = {
    clusterId: 'embedded',
    namespace: 'default',
    target: { kind: 'Pod', name: 'web' },
    port: '80',
  };
  it('normalizes a good request', () => {
    expect(checkRequest(good)).toEqual({ ...good, port: 80, localPort: 0 });
    expect(checkRequest({ ...good, port: 'http', localPort: 8080 })).toMatchObject({
      port: 'http',
      localPort: 8080,
    });
  });

  it('says what is wrong with a bad one', () => {
    expect(() => checkRequest(null)).toThrow(/must be an object/);
    expect(() => checkRequest({ ...good, namespace: '' })).toThrow(/namespace must be a non-empty string/);
    expect(() => checkRequest({ ...good, target: { kind: 'Job', name: 'x' } })).toThrow(/target.kind/);
    expect(() => checkRequest({ ...good, port: 0 })).toThrow(/between 1 and 65535/);
    expect(() => checkRequest({ ...good, port: { a: 1 } })).toThrow(/port must be/);
    expect(() => checkRequest({ ...good, localPort: 70000 })).toThrow(/localPort/);
  });
});
