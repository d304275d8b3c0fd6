import { describe, expect, it } from 'vitest';
import {
  DEPRECATED_APIS,
  deprecationMessage,
  deprecationOf,
} from '../../../../src-renderer/editor/deprecations/index.js';

describe('the deprecated API table', () => {
  it('covers every group version of the migration guide', () => {
    const covered = new Set(DEPRECATED_APIS.map((api) => `${api.groupVersion} ${api.kind}`));
    for (const expected of [
      'extensions/v1beta1 Deployment',
      'apps/v1beta1 StatefulSet',
      'apps/v1beta2 DaemonSet',
      'apps/v1beta2 ReplicaSet',
      'extensions/v1beta1 NetworkPolicy',
      'extensions/v1beta1 PodSecurityPolicy',
      'policy/v1beta1 PodSecurityPolicy',
      'extensions/v1beta1 Ingress',
      'networking.k8s.io/v1beta1 Ingress',
      'networking.k8s.io/v1beta1 IngressClass',
      'batch/v2alpha1 CronJob',
      'batch/v1beta1 CronJob',
      'apiextensions.k8s.io/v1beta1 CustomResourceDefinition',
      'rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding',
      'rbac.authorization.k8s.io/v1alpha1 Role',
      'scheduling.k8s.io/v1beta1 PriorityClass',
      'storage.k8s.io/v1beta1 CSINode',
      'storage.k8s.io/v1beta1 CSIStorageCapacity',
      'admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration',
      'policy/v1beta1 PodDisruptionBudget',
      'autoscaling/v2beta1 HorizontalPodAutoscaler',
      'autoscaling/v2beta2 HorizontalPodAutoscaler',
      'discovery.k8s.io/v1beta1 EndpointSlice',
      'events.k8s.io/v1beta1 Event',
      'node.k8s.io/v1beta1 RuntimeClass',
      'certificates.k8s.io/v1beta1 CertificateSigningRequest',
      'authentication.k8s.io/v1beta1 TokenReview',
      'authorization.k8s.io/v1beta1 SubjectAccessReview',
      'coordination.k8s.io/v1beta1 Lease',
      'apiregistration.k8s.io/v1beta1 APIService',
      'flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema',
      'flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration',
      'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema',
    ]) {
      expect(covered, expected).toContain(expected);
    }
    for (const api of DEPRECATED_APIS) {
      expect(Number(api.removedIn.split('.')[1])).toBeGreaterThan(Number(api.deprecatedIn.split('.')[1]));
      expect(api.guide).toMatch(
        /^https:\/\/kubernetes\.io\/docs\/reference\/using-api\/deprecation-guide\/#/,
      );
    }
  });

  it('judges severity against the server release, 1.32 by default', () => {
    expect(deprecationOf('apps/v1beta1', 'Deployment')).toMatchObject({
      severity: 'removed',
      target: 'apps/v1',
    });
    expect(deprecationOf('networking.k8s.io/v1beta1', 'Ingress', '1.20')).toMatchObject({
      severity: 'deprecated',
      target: 'networking.k8s.io/v1',
    });
    expect(deprecationOf('networking.k8s.io/v1beta1', 'Ingress', 'v1.22.3')?.severity).toBe('removed');
    // Not yet deprecated in 1.18 (networking.k8s.io/v1 Ingress came in 1.19).
    expect(deprecationOf('networking.k8s.io/v1beta1', 'Ingress', '1.18')).toBeUndefined();
  });

  it('ignores current, custom and unknown versions', () => {
    expect(deprecationOf('apps/v1', 'Deployment')).toBeUndefined();
    expect(deprecationOf('v1', 'Pod')).toBeUndefined();
    expect(deprecationOf('servicecatalog.k8s.io/v1alpha1', 'Broker')).toBeUndefined();
    expect(deprecationOf('extensions.example.com/v1', 'Website')).toBeUndefined();
    // extensions/v1beta1 served other kinds: only the listed ones are judged.
    expect(deprecationOf('extensions/v1beta1', 'Website')).toBeUndefined();
  });

  it('follows replacements that were deprecated in turn', () => {
    expect(deprecationOf('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema')?.target).toBe(
      'flowcontrol.apiserver.k8s.io/v1',
    );
    expect(deprecationOf('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema', '1.27')?.target).toBe(
      'flowcontrol.apiserver.k8s.io/v1beta3',
    );
    const psp = deprecationOf('extensions/v1beta1', 'PodSecurityPolicy')!;
    expect(psp.target).toBeUndefined();
    expect(deprecationOf('extensions/v1beta1', 'PodSecurityPolicy', '1.20')?.target).toBe('policy/v1beta1');
    expect(deprecationMessage(psp)).toMatch(
      /^extensions\/v1beta1 PodSecurityPolicy was removed in Kubernetes 1\.16; its replacement policy\/v1beta1 was removed in 1\.25 with no replacement: .*Pod Security Admission/,
    );
  });

  it('words markers as the issue asks', () => {
    expect(deprecationMessage(deprecationOf('apps/v1beta1', 'Deployment')!)).toBe(
      'apps/v1beta1 Deployment was removed in Kubernetes 1.16: use apps/v1',
    );
    expect(deprecationMessage(deprecationOf('batch/v1beta1', 'CronJob', '1.23')!)).toBe(
      'batch/v1beta1 CronJob is deprecated since Kubernetes 1.21 and removed in 1.25: use batch/v1',
    );
    expect(deprecationMessage(deprecationOf('policy/v1beta1', 'PodSecurityPolicy')!)).toMatch(
      /^policy\/v1beta1 PodSecurityPolicy was removed in Kubernetes 1\.25, with no replacement: /,
    );
  });
});
