import { describe, expect, it } from 'vitest';
import { bytesQuantity, nodeResources } from '../../../embedded-cluster/kubelet/node-resources.js';

describe('node resources', () => {
  it('prints bytes as Kubernetes prints a binary quantity', () => {
    expect(bytesQuantity(16_693_407_744)).toBe('16302156Ki');
    expect(bytesQuantity(100 * 1024 * 1024)).toBe('100Mi');
    expect(bytesQuantity(16 * 1024 ** 3)).toBe('16Gi');
    expect(bytesQuantity(242_541_353_378)).toBe('242541353378');
    expect(bytesQuantity(0)).toBe('0');
  });

  it('reports capacity from the host and leaves the default hard eviction thresholds out of allocatable', () => {
    const { capacity, allocatable } = nodeResources({
      cpus: 8,
      memoryBytes: 16_693_407_744,
      storageBytes: 269_490_393_088,
    });
    expect(capacity).toEqual({
      cpu: '8',
      'ephemeral-storage': '263174212Ki',
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: '16302156Ki',
      pods: '110',
    });
    expect(allocatable).toEqual({
      ...capacity,
      // 10% of the filesystem (nodefs.available<10%), 100Mi of memory (memory.available<100Mi).
      'ephemeral-storage': '242541353779',
      memory: '16199756Ki',
    });
  });

  it('takes a max-pods other than 110', () => {
    expect(nodeResources({ cpus: 1, memoryBytes: 1 << 30, storageBytes: 0 }, 1100).capacity.pods).toBe(
      '1100',
    );
  });
});
