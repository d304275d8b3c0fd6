/** The terminal: `PodTerminal`, a shell in a pod's container over the exec WebSocket. */
export { default as PodTerminal } from './PodTerminal.vue';
