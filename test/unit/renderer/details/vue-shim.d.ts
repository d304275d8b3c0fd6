// The root tsconfig (NodeNext, for Node code and tests) does not read src-renderer/env.d.ts:
// this tells it what a .vue import is, so component tests type-check there too.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const component: DefineComponent<any, any, any>;
  export default component;
}
