// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { Informer, type InformerChange } from '../../../../src-renderer/kube/index.js';
import { FakeKube, until } from './fake-kube.js';

/** The default flush window is the next animation frame where the page has one. */
describe('animation-frame batching', () => {
  it('hands a burst of watch events to subscribers in one callback, on the next frame', async () => {
    expect(typeof requestAnimationFrame).toBe('function');
    const kube = new FakeKube();
    const informer = new Informer({
      api: kube.api(),
      type: { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' },
      namespace: 'default',
    });
    const changes: InformerChange[] = [];
    informer.onChange((c) => changes.push(c));
    informer.start();
    await until(() => kube.watches.length === 1, 'watch');
    await new Promise((resolve) => requestAnimationFrame(resolve));
    changes.length = 0;

    kube.watch.send(
      ...Array.from({ length: 100 }, (_, i) => ({ type: 'ADDED', object: kube.put(`cm-${i}`) })),
    );
    await until(() => informer.items.size === 100, 'applied');
    expect(changes).toHaveLength(0);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(changes).toHaveLength(1);
    expect(changes[0]!.added.size).toBe(100);
    informer.stop();
  });
});
