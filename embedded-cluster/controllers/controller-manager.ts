import type { Component } from '../client/index.js';
import type { ControllerContext } from './controller-context.js';
import { ReplicaSetController } from './replica-set-controller.js';
import { ReplicationControllerController } from './replication-controller.js';
import { DeploymentController } from './deployment-controller.js';
import { DaemonSetController } from './daemon-set-controller.js';
import { StatefulSetController } from './stateful-set-controller.js';
import { JobController } from './job-controller.js';
import { CronJobController } from './cron-job-controller.js';
import { TtlAfterFinishedController } from './ttl-after-finished-controller.js';
import { EndpointsController } from './endpoints-controller.js';
import { EndpointSliceController } from './endpoint-slice-controller.js';
import { NamespaceController } from './namespace-controller.js';
import { GarbageCollector } from './garbage-collector.js';
import { ServiceAccountController } from './service-account-controller.js';
import { RootCaPublisher } from './root-ca-publisher.js';
import { NodeLifecycleController } from './node-lifecycle-controller.js';
import { PersistentVolumeBinder } from './persistent-volume-binder.js';
import { HostPathProvisioner } from './host-path-provisioner.js';

/**
 * Every controller the manager can run, by the name kube-controller-manager gives it
 * (`--controllers`). Each is a {@link Component} built from the shared context.
 */
export const CONTROLLERS = {
  replicaset: (context) => new ReplicaSetController(context),
  replicationcontroller: (context) => new ReplicationControllerController(context),
  deployment: (context) => new DeploymentController(context),
  daemonset: (context) => new DaemonSetController(context),
  statefulset: (context) => new StatefulSetController(context),
  job: (context) => new JobController(context),
  cronjob: (context) => new CronJobController(context),
  'ttl-after-finished': (context) => new TtlAfterFinishedController(context),
  endpoints: (context) => new EndpointsController(context),
  endpointslice: (context) => new EndpointSliceController(context),
  namespace: (context) => new NamespaceController(context),
  garbagecollector: (context) => new GarbageCollector(context),
  serviceaccount: (context) => new ServiceAccountController(context),
  'root-ca-cert-publisher': (context) => new RootCaPublisher(context),
  nodelifecycle: (context) => new NodeLifecycleController(context),
  'persistentvolume-binder': (context) => new PersistentVolumeBinder(context),
  'hostpath-provisioner': (context) => new HostPathProvisioner(context),
} satisfies Record<string, (context: ControllerContext) => Component>;

export type ControllerName = keyof typeof CONTROLLERS;

export const ALL_CONTROLLERS = Object.keys(CONTROLLERS) as ControllerName[];

/**
 * The controller manager: builds the named controllers (each registers its informers and
 * handlers), starts the shared informers, waits for their first lists, then starts every
 * controller's workers. `stop()` stops them in reverse.
 */
export class ControllerManager implements Component {
  readonly name = 'controller-manager';
  private readonly controllers: Component[];

  constructor(
    private readonly context: ControllerContext,
    names: readonly ControllerName[] = ALL_CONTROLLERS,
  ) {
    this.controllers = names.map((name) => {
      const make = CONTROLLERS[name];
      if (!make) throw new Error(`unknown controller ${String(name)}`);
      return make(context);
    });
  }

  async start(): Promise<void> {
    this.context.informers.start();
    await this.context.informers.synced();
    for (const controller of this.controllers) await controller.start();
  }

  async stop(): Promise<void> {
    for (const controller of [...this.controllers].reverse()) await controller.stop();
  }
}
