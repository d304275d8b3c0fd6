/**
 * The client toolkit every component of the cluster uses to reach the API server, modelled on
 * client-go: a typed client over a transport (in-process or HTTPS), shared informers with their
 * indexed caches, a rate-limited work queue, reconcile workers and an event recorder.
 */
export { recorderFor, type ComponentContext } from './context.js';
export { runWorkers, type Component, type ReconcileResult } from './controller.js';
export {
  discoverResources,
  discoveryFailureMessage,
  parseGroupVersion,
  refOf,
  ResourceMapper,
  supports,
  type ApiResource,
  type DiscoveryResult,
} from './discovery.js';
export { EventRecorder, type EventType } from './event-recorder.js';
export { Indexer, objectKey, splitKey, type IndexFunction } from './indexer.js';
export { Informer, type InformerHandler, type InformerOptions } from './informer.js';
export { InformerFactory } from './informer-factory.js';
export type * from './kinds.js';
export {
  KubeClient,
  ResourceClient,
  type DeleteOptions,
  type ListOptions,
  type ObjectList,
  type PatchOptions,
  type PatchType,
  type WatchOptions,
  type WriteOptions,
} from './kube-client.js';
export { controllerOf, controllerReference, isBeingDeleted, isControlledBy } from './owner-references.js';
export { resourceRef, resources, type KubeObjectLike, type ResourceRef } from './resources.js';
export { isStatus, toStatusError } from './status-errors.js';
export { httpTransport, type ApiRequest, type Transport } from './transport.js';
export { watchEvents, type WatchEvent, type WatchEventType } from './watch-stream.js';
export { WorkQueue } from './work-queue.js';
