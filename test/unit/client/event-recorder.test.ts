import type { Event } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { EventRecorder } from '../../../embedded-cluster/client/event-recorder.js';
import type { KubeClient } from '../../../embedded-cluster/client/kube-client.js';
import { ManualClock } from '../../../embedded-cluster/util/clock.js';

/** A client whose events resource records what it is asked to create and patch. */
function fakeClient() {
  const created: Event[] = [];
  const patched: { name: string; patch: Partial<Event> }[] = [];
  const events = {
    create: (event: Event) => {
      created.push(event);
      return Promise.resolve(event);
    },
    patch: (name: string, patch: Partial<Event>) => {
      patched.push({ name, patch });
      return Promise.resolve({});
    },
  };
  const client = { resource: () => events } as unknown as KubeClient;
  return { client, created, patched };
}

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7' },
};

describe('EventRecorder', () => {
  it('records the part of the object an event is about as involvedObject.fieldPath', async () => {
    const { client, created } = fakeClient();
    const recorder = new EventRecorder(
      client,
      { component: 'kubelet', host: 'node1' },
      { clock: new ManualClock(0) },
    );
    recorder.event(pod, 'Normal', 'Started', 'Started container app', 'spec.containers{app}');
    recorder.event(pod, 'Normal', 'Scheduled', 'Successfully assigned default/web to node1');
    await recorder.flush();
    expect(created.map((e) => e.involvedObject)).toEqual([
      {
        kind: 'Pod',
        apiVersion: 'v1',
        name: 'web',
        namespace: 'default',
        uid: 'u1',
        resourceVersion: '7',
        fieldPath: 'spec.containers{app}',
      },
      { kind: 'Pod', apiVersion: 'v1', name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7' },
    ]);
    expect(created[0]).toMatchObject({
      reason: 'Started',
      type: 'Normal',
      count: 1,
      source: { component: 'kubelet', host: 'node1' },
      metadata: { namespace: 'default' },
    });
  });

  it('counts the same event of one container on one Event, and keeps two containers’ apart', async () => {
    const { client, created, patched } = fakeClient();
    const recorder = new EventRecorder(client, { component: 'kubelet' }, { clock: new ManualClock(0) });
    const pulled = 'Container image "busybox" already present on machine';
    recorder.event(pod, 'Normal', 'Pulled', pulled, 'spec.containers{app}');
    recorder.event(pod, 'Normal', 'Pulled', pulled, 'spec.containers{sidecar}');
    recorder.event(pod, 'Normal', 'Pulled', pulled, 'spec.containers{app}');
    recorder.event(pod, 'Normal', 'Pulled', pulled); // the pod itself: a third Event
    await recorder.flush();
    expect(created.map((e) => e.involvedObject?.fieldPath)).toEqual([
      'spec.containers{app}',
      'spec.containers{sidecar}',
      undefined,
    ]);
    expect(patched).toEqual([
      { name: created[0]!.metadata!.name, patch: expect.objectContaining({ count: 2 }) },
    ]);
  });
});
