import type { Component } from '../client/index.js';
import type { ControllerContext } from './controller-context.js';

/** TODO(issue 5): not written yet. */
export class EndpointSliceController implements Component {
  readonly name = 'endpointslice';

  constructor(private readonly context: ControllerContext) {}

  async start(): Promise<void> {
    void this.context;
  }

  async stop(): Promise<void> {}
}
