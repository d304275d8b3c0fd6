/// <reference types="vite/client" />

// Lets plain `tsc` see `.vue` imports; vue-tsc reads the SFCs themselves.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}

interface Window {
  /** The app bridge, exposed by the preload script in Electron; absent in a plain browser. */
  readonly kubedesk?: import('../src-main/shared/bridge.js').KubedeskBridge;
}
