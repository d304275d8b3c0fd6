import type { Component } from '../client/index.js';
import type { ControllerContext } from './controller-context.js';

/** TODO(issue 5): not written yet. */
export class CronJobController implements Component {
  readonly name = 'cronjob';

  constructor(private readonly context: ControllerContext) {}

  async start(): Promise<void> {
    void this.context;
  }

  async stop(): Promise<void> {}
}
