import { resources, type AppsV1, type Component } from '../client/index.js';
import { labelSelectorFromObject } from '../api/selectors/index.js';
import type { ControllerContext } from './controller-context.js';
import { ReplicaManager } from './replicas/replica-manager.js';

/**
 * The ReplicaSet controller: keeps `spec.replicas` pods matching a (set-based) selector running,
 * adopting matching orphans and releasing pods that stop matching. The machinery is shared with
 * ReplicationControllers in {@link ReplicaManager}; see
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/replicaset/replica_set.go.
 */
export class ReplicaSetController implements Component {
  readonly name = 'replicaset';
  private readonly manager: ReplicaManager<AppsV1.ReplicaSet>;

  constructor(context: ControllerContext) {
    this.manager = new ReplicaManager(context, {
      name: this.name,
      component: 'replicaset-controller',
      resource: resources.replicaSets,
      selectorOf: (rs) => labelSelectorFromObject(rs.spec?.selector),
    });
  }

  start(): Promise<void> {
    return this.manager.start();
  }

  stop(): Promise<void> {
    return this.manager.stop();
  }
}
