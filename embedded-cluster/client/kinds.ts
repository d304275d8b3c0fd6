/**
 * The Kubernetes object types components work with, from `kubernetes-types` (the wire JSON shapes:
 * timestamps are strings, quantities are strings or numbers). One import point, so a component
 * writes `import type { CoreV1 } from '../client/index.js'`.
 */
export type * as CoreV1 from 'kubernetes-types/core/v1.js';
export type * as AppsV1 from 'kubernetes-types/apps/v1.js';
export type * as BatchV1 from 'kubernetes-types/batch/v1.js';
export type * as CoordinationV1 from 'kubernetes-types/coordination/v1.js';
export type * as DiscoveryV1 from 'kubernetes-types/discovery/v1.js';
export type * as NetworkingV1 from 'kubernetes-types/networking/v1.js';
export type * as StorageV1 from 'kubernetes-types/storage/v1.js';
export type * as MetaV1 from 'kubernetes-types/meta/v1.js';
