import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import { containerFieldPath } from '../../../../embedded-cluster/kubelet/pods/container-ref.js';

const pod: CoreV1.Pod = {
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    initContainers: [{ name: 'setup' }],
    containers: [{ name: 'app' }, { name: 'sidecar' }],
    ephemeralContainers: [{ name: 'debugger' }],
  },
};

describe('containerFieldPath (involvedObject.fieldPath of container events)', () => {
  it('names app, init and ephemeral containers as pkg/kubelet/container/ref.go does', () => {
    expect(containerFieldPath(pod, 'sidecar')).toBe('spec.containers{sidecar}');
    expect(containerFieldPath(pod, 'setup')).toBe('spec.initContainers{setup}');
    expect(containerFieldPath(pod, 'debugger')).toBe('spec.ephemeralContainers{debugger}');
  });

  it('uses an index for a container without a name, and says so for one the spec lacks', () => {
    expect(containerFieldPath({ spec: { containers: [{ name: 'a' }, { name: '' }] } }, '')).toBe(
      'spec.containers[1]',
    );
    expect(containerFieldPath(pod, 'gone')).toBe('implicitly required container gone');
  });
});
