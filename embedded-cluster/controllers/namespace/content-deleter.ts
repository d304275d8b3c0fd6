import {
  isStatus,
  type CoreV1,
  type KubeClient,
  type KubeObjectLike,
  discoverResources,
  discoveryFailureMessage,
  refOf,
  supports,
  type ApiResource,
} from '../../client/index.js';
import { emptyReport, type DeletionReport } from './conditions.js';

/**
 * Deletes everything in a namespace, resource by resource, as kube's `namespacedResourcesDeleter`
 * does: discovery says which namespaced resources can be deleted; each is emptied with one
 * `deletecollection` (or a list and one delete per object where that verb is not served), always
 * with Background propagation so the garbage collector never orphans what the namespace takes
 * with it; then a second list says what remains and which finalizers hold it.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/namespace/deletion/namespaced_resources_deleter.go
 */

/** How long to wait for objects held only by finalizers (kube's `finalizerEstimateSeconds`). */
export const FINALIZER_ESTIMATE_SECONDS = 15;

const BACKGROUND = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } as const;

export interface ContentDeletion {
  /** Seconds the remaining content is expected to take to go; 0 when none is expected. */
  estimateSeconds: number;
  report: DeletionReport;
}

interface ResourceOutcome {
  estimateSeconds: number;
  remaining: number;
  finalizers: Map<string, number>;
  error?: string;
}

export class NamespaceContentDeleter {
  constructor(
    private readonly client: KubeClient,
    private readonly now: () => number,
  ) {}

  /** Delete one pass of the namespace's content and say what remains (`deleteAllContent`). */
  async deleteAllContent(namespace: CoreV1.Namespace): Promise<ContentDeletion> {
    const name = namespace.metadata!.name!;
    const deletedAt = Date.parse(namespace.metadata!.deletionTimestamp!);
    const report = emptyReport();
    const discovery = await discoverResources(this.client);
    if (discovery.failedGroups.size > 0) {
      const failing = discovery.failedGroups.size;
      report.discoveryError = `Discovery failed for some groups, ${failing} failing: ${discoveryFailureMessage(discovery.failedGroups)}`;
    }
    report.parseErrors.push(...discovery.parseErrors);
    const deletable = discovery.resources.filter((r) => r.namespaced && r.preferred && supports(r, 'delete'));
    const outcomes = await Promise.all(
      deletable.map(async (r) => ({ r, outcome: await this.deleteResource(r, name, deletedAt) })),
    );
    let estimateSeconds = 0;
    for (const { r, outcome } of outcomes) {
      estimateSeconds = Math.max(estimateSeconds, outcome.estimateSeconds);
      if (outcome.error) report.contentErrors.push(outcome.error);
      if (outcome.remaining > 0) {
        report.remaining.set(`${r.resource}.${r.group}`, outcome.remaining);
        for (const [finalizer, n] of outcome.finalizers) {
          report.finalizers.set(finalizer, (report.finalizers.get(finalizer) ?? 0) + n);
        }
      }
    }
    return { estimateSeconds, report };
  }

  /** Empty one resource in the namespace (`deleteAllContentForGroupVersionResource`). */
  private async deleteResource(
    r: ApiResource,
    namespace: string,
    deletedAt: number,
  ): Promise<ResourceOutcome> {
    const outcome: ResourceOutcome = { estimateSeconds: 0, remaining: 0, finalizers: new Map() };
    const resources = this.client.resource(refOf(r));
    try {
      if (r.group === '' && r.resource === 'pods') {
        outcome.estimateSeconds = await this.estimatePods(namespace, deletedAt);
      }
      let deleted = false;
      if (supports(r, 'deletecollection')) {
        deleted = await this.ignoringUnsupported(() =>
          this.client.request({ method: 'DELETE', path: resources.path(namespace), body: BACKGROUND }),
        );
      }
      if (!deleted && supports(r, 'list')) {
        const list = await resources.list({ namespace });
        for (const item of list.items) {
          await this.ignoringUnsupported(() =>
            resources.delete(item.metadata!.name!, { namespace, propagationPolicy: 'Background' }),
          );
        }
      }
      if (!supports(r, 'list')) return outcome;
      const left = (await resources.list({ namespace })).items;
      if (left.length === 0) return { ...outcome, estimateSeconds: 0 };
      outcome.remaining = left.length;
      countFinalizers(left, outcome.finalizers);
      if (outcome.estimateSeconds > 0) return outcome;
      if (outcome.finalizers.size > 0) return { ...outcome, estimateSeconds: FINALIZER_ESTIMATE_SECONDS };
      // Nothing should hold these: deleted, yet here. Report it (a content failure) and retry.
      return {
        ...outcome,
        error: `unexpected items still remain in namespace: ${namespace} for gvr: ${r.group}/${r.version}, Resource=${r.resource}`,
      };
    } catch (error) {
      return { ...outcome, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * The longest grace period of the namespace's running pods, or 0 once that long has passed
   * since the namespace's deletion (`estimateGracefulTerminationForPods`).
   */
  private async estimatePods(namespace: string, deletedAt: number): Promise<number> {
    const pods = await this.client.resource(refOf(POD_RESOURCE)).list({ namespace });
    let estimate = 0;
    for (const pod of pods.items as CoreV1.Pod[]) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
    }
    return this.now() - deletedAt >= estimate * 1000 ? 0 : estimate;
  }

  /**
   * Run a call, answering false when the server does not serve it (405, or 404 for a resource
   * gone meanwhile), as kube treats MethodNotSupported and NotFound alike.
   */
  private async ignoringUnsupported(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      if (isStatus(error, 'MethodNotAllowed') || isStatus(error, 'NotFound')) return false;
      throw error;
    }
  }
}

const POD_RESOURCE: ApiResource = {
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  namespaced: true,
  verbs: [],
  preferred: true,
};

function countFinalizers(items: readonly KubeObjectLike[], into: Map<string, number>): void {
  for (const item of items) {
    for (const finalizer of item.metadata?.finalizers ?? [])
      into.set(finalizer, (into.get(finalizer) ?? 0) + 1);
  }
}
