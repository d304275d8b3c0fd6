import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import {
  computeZoneState,
  mayTaint,
  zoneStates,
} from '../../../../embedded-cluster/controllers/node-lifecycle/zone-state.js';

const node = (name: string, ready: string, zone?: string): CoreV1.Node => ({
  metadata: { name, labels: zone ? { 'topology.kubernetes.io/zone': zone } : {} },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});

describe('disruption zones', () => {
  it('are fully disrupted when no node is ready, partially when most of three or more are not', () => {
    const c = (status: string) => ({ type: 'Ready', status });
    expect(computeZoneState([c('Unknown')])).toBe('FullDisruption');
    expect(computeZoneState([c('True'), c('Unknown')])).toBe('Normal');
    expect(computeZoneState([c('True'), c('False'), c('Unknown'), undefined])).toBe('PartialDisruption');
  });

  it('stop NoExecute tainting when every node is down (a single-node cluster whose node died)', () => {
    expect(mayTaint('', zoneStates([node('a', 'Unknown')]), 1)).toBe(false);
    expect(mayTaint('', zoneStates([node('a', 'Unknown'), node('b', 'True')]), 2)).toBe(true);
  });

  it('keep tainting in a fully disrupted zone while another zone is up', () => {
    const states = zoneStates([node('a', 'Unknown', 'z1'), node('b', 'True', 'z2')]);
    expect(states.get(':\u0000:z1')).toBe('FullDisruption');
    expect(mayTaint(':\u0000:z1', states, 2)).toBe(true);
  });

  it('leave out nodes labelled node.kubernetes.io/exclude-disruption', () => {
    const excluded = node('b', 'True');
    excluded.metadata!.labels!['node.kubernetes.io/exclude-disruption'] = '';
    expect(mayTaint('', zoneStates([node('a', 'Unknown'), excluded]), 2)).toBe(false);
  });
});
