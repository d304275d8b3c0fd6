import type { Component } from '../client/index.js';
import type { ControllerContext } from './controller-context.js';

/** TODO(issue 5): not written yet. */
export class StatefulSetController implements Component {
  readonly name = 'statefulset';

  constructor(private readonly context: ControllerContext) {}

  async start(): Promise<void> {
    void this.context;
  }

  async stop(): Promise<void> {}
}
