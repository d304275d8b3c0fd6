import { describe, expect, it } from 'vitest';
import type { Rejection } from '../../../embedded-cluster/scheduler/filters/index.js';
import { fitErrorMessage, preemptionMessage } from '../../../embedded-cluster/scheduler/fit-error.js';

const cpu: Rejection = { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] };
const cpuMem: Rejection = { ...cpu, reasons: ['Insufficient cpu', 'Insufficient memory'] };
const taint: Rejection = {
  plugin: 'TaintToleration',
  code: 'UnschedulableAndUnresolvable',
  reasons: ['node(s) had untolerated taint {dedicated: gpu}'],
};

describe('FitError messages', () => {
  it('reads like Kubernetes 1.32 for one node short of cpu', () => {
    expect(fitErrorMessage(1, [cpu], preemptionMessage(1, [cpu], undefined))).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. ' +
        'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
    );
  });

  it('counts reasons over nodes and sorts them as strings', () => {
    const all = [cpuMem, cpu, taint, ...Array.from({ length: 9 }, () => taint)];
    expect(fitErrorMessage(12, all, preemptionMessage(12, all, undefined))).toBe(
      '0/12 nodes are available: 1 Insufficient memory, 10 node(s) had untolerated taint {dedicated: gpu}, ' +
        '2 Insufficient cpu. preemption: 0/12 nodes are available: 10 Preemption is not helpful for scheduling, ' +
        '2 No preemption victims found for incoming pod..',
    );
  });

  it('says a pod with preemptionPolicy Never is not eligible', () => {
    expect(fitErrorMessage(1, [cpu], preemptionMessage(1, [cpu], 'Never'))).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..',
    );
  });
});
