/** Logs: a pod's (`PodLogs`) or a workload's merged (`WorkloadLogs`), for views to embed. */
export { default as PodLogs } from './PodLogs.vue';
export { default as WorkloadLogs } from './WorkloadLogs.vue';
export type { WorkloadRef } from './WorkloadLogs.vue';
