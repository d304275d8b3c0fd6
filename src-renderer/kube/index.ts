/** The renderer's Kubernetes data layer: API client, discovery, watches and informers. See README.md. */
export { KubeApi, PATCH_CONTENT_TYPES, TABLE_ACCEPT } from './api-client.js';
export type {
  DeleteOptions,
  KubeApiOptions,
  ListOptions,
  PatchOptions,
  PatchType,
  TableOptions,
  WriteOptions,
} from './api-client.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export type { InformerChange } from './change-batch.js';
export { discover, isBuiltinGroup, type Discovery } from './discovery.js';
export { animationFrameScheduler, timerScheduler, type FlushScheduler } from './flush-scheduler.js';
export { Informer, keyOf, metadataOf } from './informer.js';
export type {
  InformerItem,
  InformerMode,
  InformerOptions,
  InformerPhase,
  InformerState,
} from './informer.js';
export { navigationGroups, pluralTitle } from './navigation.js';
export type { NavigationGroup, NavigationGroupId, NavigationItem } from './navigation.js';
export {
  apiVersionOf,
  CORE_TYPES,
  groupVersionPath,
  isWatchable,
  resourcePath,
  typeKey,
  type ResourceType,
} from './resource-type.js';
export { failureStatus, isAbortError, StatusError } from './status-error.js';
export { isStatus } from './types.js';
export type {
  KubeList,
  KubeObject,
  ListMeta,
  ObjectMeta,
  OwnerReference,
  Status,
  StatusCause,
  Table,
  TableColumn,
  TableRow,
  WatchEvent,
} from './types.js';
export { openWatch, type WatchOptions, type WatchStream } from './watch-stream.js';
export { fetchTransport, type WatchRequest, type WatchTransport } from './watch-transport.js';
export {
  muxTransport,
  muxUrl,
  WatchMuxClient,
  type WatchMuxClientOptions,
  type WebSocketLike,
} from './watch-mux-client.js';
