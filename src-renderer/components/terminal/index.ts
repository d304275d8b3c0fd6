/**
 * The terminals: `TerminalPanel`, the app's bottom panel of terminal tabs (exec and attach over
 * the exec WebSocket protocol), and `TerminalButtons`, the "Open terminal" and "Attach" buttons
 * that open a tab on a pod. Sessions are kept in the terminals store (`stores/terminals.ts`).
 */
export { default as TerminalButtons } from './TerminalButtons.vue';
export { default as TerminalPanel } from './TerminalPanel.vue';
