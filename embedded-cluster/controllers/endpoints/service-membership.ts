import { selectorFromSet, type LabelSelector } from '../../api/selectors/index.js';
import { objectKey, type CoreV1, type Informer } from '../../client/index.js';
import { podEndpointsChanged } from './pod-endpoints.js';

/**
 * Which services select which pods, read from the shared informer caches: what lets a pod event
 * enqueue only the services it belongs to, as `GetPodServiceMemberships` and
 * `GetServicesToUpdateOnPodChange` do in k8s.io/endpointslice/util/controller_utils.go.
 */
export class ServiceMembership {
  /** Parsed selectors by service object: cached objects are immutable, so a new version is a new key. */
  private readonly selectors = new WeakMap<CoreV1.Service, LabelSelector>();

  constructor(
    readonly services: Informer<CoreV1.Service>,
    readonly pods: Informer<CoreV1.Pod>,
  ) {}

  /** The service's selector; undefined for a service without one (it selects nothing: user-managed endpoints). */
  selectorOf(service: CoreV1.Service): LabelSelector | undefined {
    const set = service.spec?.selector;
    if (!set) return undefined;
    let selector = this.selectors.get(service);
    if (!selector) this.selectors.set(service, (selector = selectorFromSet(set)));
    return selector;
  }

  /** Keys of the services in `namespace` whose selector matches `labels`. */
  servicesFor(namespace: string, labels: Readonly<Record<string, string>> | undefined): Set<string> {
    const keys = new Set<string>();
    for (const service of this.services.store.byIndex('namespace', namespace)) {
      if (this.selectorOf(service)?.matches(labels ?? {})) keys.add(objectKey(service));
    }
    return keys;
  }

  /** The pods the service selects, from the cache (shared objects: never mutate them). */
  podsOf(service: CoreV1.Service): CoreV1.Pod[] {
    const selector = this.selectorOf(service);
    if (!selector) return [];
    const namespace = service.metadata?.namespace ?? '';
    return this.pods.store
      .byIndex('namespace', namespace)
      .filter((pod) => selector.matches(pod.metadata?.labels));
  }

  /**
   * Services to sync after a pod changed: none when nothing endpoints show changed; those
   * selecting it when its address or readiness changed; when its labels changed, those it joined or
   * left (all of both, if its address changed too).
   */
  servicesToUpdate(old: CoreV1.Pod, pod: CoreV1.Pod): Set<string> {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return new Set(); // a resync
    const changed = podEndpointsChanged(old, pod);
    if (!changed.pod && !changed.labels) return new Set();
    const namespace = pod.metadata?.namespace ?? '';
    const now = this.servicesFor(namespace, pod.metadata?.labels);
    if (!changed.labels) return now;
    const before = this.servicesFor(namespace, old.metadata?.labels);
    if (changed.pod) return new Set([...now, ...before]);
    const symmetric = new Set<string>();
    for (const key of now) if (!before.has(key)) symmetric.add(key);
    for (const key of before) if (!now.has(key)) symmetric.add(key);
    return symmetric;
  }

  /**
   * Feed `enqueue` with the keys of services to sync: every service event, and each pod event
   * mapped to the services it concerns.
   */
  watch(enqueue: (serviceKey: string, cause: 'service' | 'pod') => void): void {
    const service = (object: CoreV1.Service) => enqueue(objectKey(object), 'service');
    this.services.addHandler({ added: service, updated: (_old, cur) => service(cur), deleted: service });
    const pods = (keys: Iterable<string>) => {
      for (const key of keys) enqueue(key, 'pod');
    };
    const podKeys = (pod: CoreV1.Pod) =>
      this.servicesFor(pod.metadata?.namespace ?? '', pod.metadata?.labels);
    this.pods.addHandler({
      added: (pod) => pods(podKeys(pod)),
      updated: (old, pod) => pods(this.servicesToUpdate(old, pod)),
      deleted: (pod) => pods(podKeys(pod)),
    });
  }
}
