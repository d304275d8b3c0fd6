import { resources, type Component, type CoreV1 } from '../client/index.js';
import { selectorFromSet } from '../api/selectors/index.js';
import type { ControllerContext } from './controller-context.js';
import { ReplicaManager } from './replicas/replica-manager.js';

/**
 * The ReplicationController controller: a ReplicaSet controller whose selector is an equality
 * map, as in kube, where pkg/controller/replication wraps the ReplicaSet controller in an adapter
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/replication/replication_controller.go).
 * Events come from `replication-controller`.
 */
export class ReplicationControllerController implements Component {
  readonly name = 'replicationcontroller';
  private readonly manager: ReplicaManager<CoreV1.ReplicationController>;

  constructor(context: ControllerContext) {
    this.manager = new ReplicaManager(context, {
      name: this.name,
      component: 'replication-controller',
      resource: resources.replicationControllers,
      selectorOf: (rc) => selectorFromSet(rc.spec?.selector),
    });
  }

  start(): Promise<void> {
    return this.manager.start();
  }

  stop(): Promise<void> {
    return this.manager.stop();
  }
}
