import type { Definitions, SchemaObject } from './schema.js';
import { baseDefinitions } from './schema.js';
import descriptionUpdates from './v1.32-descriptions.json' with { type: 'json' };

/**
 * What Kubernetes changed, between v1.27 and v1.32, in the definitions our
 * served kinds reach: the vendored schemas are v1.26.2 (./schema.ts), the
 * server reports v1.32. Worked out from the Go types of v1.27–v1.32
 * (https://github.com/kubernetes/kubernetes/tree/v1.32.0/staging/src/k8s.io/api,
 * `+listType`/`patchStrategy` markers become the `x-kubernetes-*` extensions)
 * and checked against the v1.32.0 OpenAPI; ./README.md lists every change.
 *
 * {@link definitionsV132} applies it to a copy; `baseDefinitions` is never mutated.
 */

/** A Kubernetes minor version, e.g. `v1.28`. */
export type KubeMinor = `v1.${number}`;

export interface DefinitionAddition {
  since: KubeMinor;
  schema: SchemaObject;
}

export interface FieldAddition {
  definition: string;
  field: string;
  since: KubeMinor;
  schema: SchemaObject;
}

export interface FieldRemoval {
  definition: string;
  field: string;
  removedIn: KubeMinor;
  note: string;
}

/** A change to a field that already existed: new type, new enum, or a flip of `required`. */
export interface FieldChange {
  definition: string;
  field: string;
  since: KubeMinor;
  note: string;
  /** Properties merged into the field's schema (`$ref` replaces the old one). */
  set?: SchemaObject;
  required?: boolean;
}

/** Definitions Kubernetes added between v1.27 and v1.32 that the served kinds reach. */
export const ADDED_DEFINITIONS: Readonly<Record<string, DefinitionAddition>> = {
  'io.k8s.api.authentication.v1.SelfSubjectReview': {
    since: 'v1.28',
    schema: {
      description:
        'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request. When using impersonation, users will receive the user info of the user being impersonated.  If impersonation or request header authentication is used, any extra keys will have their case ignored and returned as lowercase.',
      properties: {
        apiVersion: {
          description:
            'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
          type: 'string',
        },
        kind: {
          description:
            'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
          type: 'string',
        },
        metadata: {
          $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
          description:
            "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        },
        status: {
          $ref: '#/definitions/io.k8s.api.authentication.v1.SelfSubjectReviewStatus',
          description: 'Status is filled in by the server with the user attributes.',
        },
      },
      type: 'object',
      'x-kubernetes-group-version-kind': [
        { group: 'authentication.k8s.io', kind: 'SelfSubjectReview', version: 'v1' },
      ],
    },
  },
  'io.k8s.api.authentication.v1.SelfSubjectReviewStatus': {
    since: 'v1.28',
    schema: {
      description: 'SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.',
      properties: {
        userInfo: {
          $ref: '#/definitions/io.k8s.api.authentication.v1.UserInfo',
          description: 'User attributes of the user making this request.',
        },
      },
      type: 'object',
    },
  },
  'io.k8s.api.authorization.v1.FieldSelectorAttributes': {
    since: 'v1.31',
    schema: {
      description:
        'FieldSelectorAttributes indicates a field limited access. Webhook authors are encouraged to * ensure rawSelector and requirements are not both set * consider the requirements field if set * not try to parse or consider the rawSelector field if set. This is to avoid another CVE-2022-2880 (i.e. getting different systems to agree on how exactly to parse a query is not something we want), see https://www.oxeye.io/resources/golang-parameter-smuggling-attack for more details. For the *SubjectAccessReview endpoints of the kube-apiserver: * If rawSelector is empty and requirements are empty, the request is not limited. * If rawSelector is present and requirements are empty, the rawSelector will be parsed and limited if the parsing succeeds. * If rawSelector is empty and requirements are present, the requirements should be honored * If rawSelector is present and requirements are present, the request is invalid.',
      properties: {
        rawSelector: {
          description:
            "rawSelector is the serialization of a field selector that would be included in a query parameter. Webhook implementations are encouraged to ignore rawSelector. The kube-apiserver's *SubjectAccessReview will parse the rawSelector as long as the requirements are not present.",
          type: 'string',
        },
        requirements: {
          description:
            'requirements is the parsed interpretation of a field selector. All requirements must be met for a resource instance to match the selector. Webhook implementations should handle requirements, but how to handle them is up to the webhook. Since requirements can only limit the request, it is safe to authorize as unlimited request if the requirements are not understood.',
          items: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement' },
          type: 'array',
          'x-kubernetes-list-type': 'atomic',
        },
      },
      type: 'object',
    },
  },
  'io.k8s.api.authorization.v1.LabelSelectorAttributes': {
    since: 'v1.31',
    schema: {
      description:
        'LabelSelectorAttributes indicates a label limited access. Webhook authors are encouraged to * ensure rawSelector and requirements are not both set * consider the requirements field if set * not try to parse or consider the rawSelector field if set. This is to avoid another CVE-2022-2880 (i.e. getting different systems to agree on how exactly to parse a query is not something we want), see https://www.oxeye.io/resources/golang-parameter-smuggling-attack for more details. For the *SubjectAccessReview endpoints of the kube-apiserver: * If rawSelector is empty and requirements are empty, the request is not limited. * If rawSelector is present and requirements are empty, the rawSelector will be parsed and limited if the parsing succeeds. * If rawSelector is empty and requirements are present, the requirements should be honored * If rawSelector is present and requirements are present, the request is invalid.',
      properties: {
        rawSelector: {
          description:
            "rawSelector is the serialization of a field selector that would be included in a query parameter. Webhook implementations are encouraged to ignore rawSelector. The kube-apiserver's *SubjectAccessReview will parse the rawSelector as long as the requirements are not present.",
          type: 'string',
        },
        requirements: {
          description:
            'requirements is the parsed interpretation of a label selector. All requirements must be met for a resource instance to match the selector. Webhook implementations should handle requirements, but how to handle them is up to the webhook. Since requirements can only limit the request, it is safe to authorize as unlimited request if the requirements are not understood.',
          items: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement' },
          type: 'array',
          'x-kubernetes-list-type': 'atomic',
        },
      },
      type: 'object',
    },
  },
  'io.k8s.api.batch.v1.SuccessPolicy': {
    since: 'v1.30',
    schema: {
      description:
        'SuccessPolicy describes when a Job can be declared as succeeded based on the success of some indexes.',
      properties: {
        rules: {
          description:
            'rules represents the list of alternative rules for the declaring the Jobs as successful before `.status.succeeded >= .spec.completions`. Once any of the rules are met, the "SucceededCriteriaMet" condition is added, and the lingering pods are removed. The terminal state for such a Job has the "Complete" condition. Additionally, these rules are evaluated in order; Once the Job meets one of the rules, other rules are ignored. At most 20 elements are allowed.',
          items: { $ref: '#/definitions/io.k8s.api.batch.v1.SuccessPolicyRule' },
          type: 'array',
          'x-kubernetes-list-type': 'atomic',
        },
      },
      required: ['rules'],
      type: 'object',
    },
  },
  'io.k8s.api.batch.v1.SuccessPolicyRule': {
    since: 'v1.30',
    schema: {
      description:
        'SuccessPolicyRule describes rule for declaring a Job as succeeded. Each rule must have at least one of the "succeededIndexes" or "succeededCount" specified.',
      properties: {
        succeededCount: {
          description:
            'succeededCount specifies the minimal required size of the actual set of the succeeded indexes for the Job. When succeededCount is used along with succeededIndexes, the check is constrained only to the set of indexes specified by succeededIndexes. For example, given that succeededIndexes is "1-4", succeededCount is "3", and completed indexes are "1", "3", and "5", the Job isn\'t declared as succeeded because only "1" and "3" indexes are considered in that rules. When this field is null, this doesn\'t default to any value and is never evaluated at any time. When specified it needs to be a positive integer.',
          format: 'int32',
          type: 'integer',
        },
        succeededIndexes: {
          description:
            'succeededIndexes specifies the set of indexes which need to be contained in the actual set of the succeeded indexes for the Job. The list of indexes must be within 0 to ".spec.completions-1" and must not contain duplicates. At least one element is required. The indexes are represented as intervals separated by commas. The intervals can be a decimal integer or a pair of decimal integers separated by a hyphen. The number are listed in represented by the first and last element of the series, separated by a hyphen. For example, if the completed indexes are 1, 3, 4, 5 and 7, they are represented as "1,3-5,7". When this field is null, this field doesn\'t default to any value and is never evaluated at any time.',
          type: 'string',
        },
      },
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.AppArmorProfile': {
    since: 'v1.30',
    schema: {
      description: "AppArmorProfile defines a pod or container's AppArmor settings.",
      properties: {
        localhostProfile: {
          description:
            'localhostProfile indicates a profile loaded on the node that should be used. The profile must be preconfigured on the node to work. Must match the loaded name of the profile. Must be set if and only if type is "Localhost".',
          type: 'string',
        },
        type: {
          description:
            "type indicates which kind of AppArmor profile will be applied. Valid options are:\n  Localhost - a profile pre-loaded on the node.\n  RuntimeDefault - the container runtime's default profile.\n  Unconfined - no AppArmor enforcement.",
          type: 'string',
        },
      },
      required: ['type'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.ClusterTrustBundleProjection': {
    since: 'v1.29',
    schema: {
      description:
        'ClusterTrustBundleProjection describes how to select a set of ClusterTrustBundle objects and project their contents into the pod filesystem.',
      properties: {
        labelSelector: {
          $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
          description:
            'Select all ClusterTrustBundles that match this label selector.  Only has effect if signerName is set.  Mutually-exclusive with name.  If unset, interpreted as "match nothing".  If set but empty, interpreted as "match everything".',
        },
        name: {
          description:
            'Select a single ClusterTrustBundle by object name.  Mutually-exclusive with signerName and labelSelector.',
          type: 'string',
        },
        optional: {
          description:
            "If true, don't block pod startup if the referenced ClusterTrustBundle(s) aren't available.  If using name, then the named ClusterTrustBundle is allowed not to exist.  If using signerName, then the combination of signerName and labelSelector is allowed to match zero ClusterTrustBundles.",
          type: 'boolean',
        },
        path: { description: 'Relative path from the volume root to write the bundle.', type: 'string' },
        signerName: {
          description:
            'Select all ClusterTrustBundles that match this signer name. Mutually-exclusive with name.  The contents of all selected ClusterTrustBundles will be unified and deduplicated.',
          type: 'string',
        },
      },
      required: ['path'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.ContainerResizePolicy': {
    since: 'v1.27',
    schema: {
      description: 'ContainerResizePolicy represents resource resize policy for the container.',
      properties: {
        resourceName: {
          description:
            'Name of the resource to which this resource resize policy applies. Supported values: cpu, memory.',
          type: 'string',
        },
        restartPolicy: {
          description:
            'Restart policy to apply when specified resource is resized. If not specified, it defaults to NotRequired.',
          type: 'string',
        },
      },
      required: ['resourceName', 'restartPolicy'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.ContainerUser': {
    since: 'v1.31',
    schema: {
      description: 'ContainerUser represents user identity information',
      properties: {
        linux: {
          $ref: '#/definitions/io.k8s.api.core.v1.LinuxContainerUser',
          description:
            'Linux holds user identity information initially attached to the first process of the containers in Linux. Note that the actual running identity can be changed if the process has enough privilege to do so.',
        },
      },
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.HostIP': {
    since: 'v1.28',
    schema: {
      description: 'HostIP represents a single IP address allocated to the host.',
      properties: { ip: { description: 'IP is the IP address assigned to the host', type: 'string' } },
      required: ['ip'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.ImageVolumeSource': {
    since: 'v1.31',
    schema: {
      description: 'ImageVolumeSource represents a image volume resource.',
      properties: {
        pullPolicy: {
          description:
            "Policy for pulling OCI objects. Possible values are: Always: the kubelet always attempts to pull the reference. Container creation will fail If the pull fails. Never: the kubelet never pulls the reference and only uses a local image or artifact. Container creation will fail if the reference isn't present. IfNotPresent: the kubelet pulls if the reference isn't already present on disk. Container creation will fail if the reference isn't present and the pull fails. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise.",
          type: 'string',
        },
        reference: {
          description:
            'Required: Image or artifact reference to be used. Behaves in the same way as pod.spec.containers[*].image. Pull secrets will be assembled in the same way as for the container image by looking up node credentials, SA image pull secrets, and pod spec image pull secrets. More info: https://kubernetes.io/docs/concepts/containers/images This field is optional to allow higher level config management to default or override container images in workload controllers like Deployments and StatefulSets.',
          type: 'string',
        },
      },
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.LinuxContainerUser': {
    since: 'v1.31',
    schema: {
      description: 'LinuxContainerUser represents user identity information in Linux containers',
      properties: {
        gid: {
          description: 'GID is the primary gid initially attached to the first process in the container',
          format: 'int64',
          type: 'integer',
        },
        supplementalGroups: {
          description:
            'SupplementalGroups are the supplemental groups initially attached to the first process in the container',
          items: { type: 'integer', format: 'int64' },
          type: 'array',
          'x-kubernetes-list-type': 'atomic',
        },
        uid: {
          description: 'UID is the primary uid initially attached to the first process in the container',
          format: 'int64',
          type: 'integer',
        },
      },
      required: ['gid', 'uid'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.ModifyVolumeStatus': {
    since: 'v1.29',
    schema: {
      description: 'ModifyVolumeStatus represents the status object of ControllerModifyVolume operation',
      properties: {
        status: {
          description:
            'status is the status of the ControllerModifyVolume operation. It can be in any of following states:\n - Pending\n   Pending indicates that the PersistentVolumeClaim cannot be modified due to unmet requirements, such as\n   the specified VolumeAttributesClass not existing.\n - InProgress\n   InProgress indicates that the volume is being modified.\n - Infeasible\n  Infeasible indicates that the request has been rejected as invalid by the CSI driver. To\n\t  resolve the error, a valid VolumeAttributesClass needs to be specified.\nNote: New statuses can be added in the future. Consumers should check for unknown statuses and fail appropriately.',
          type: 'string',
        },
        targetVolumeAttributesClassName: {
          description:
            'targetVolumeAttributesClassName is the name of the VolumeAttributesClass the PVC currently being reconciled',
          type: 'string',
        },
      },
      required: ['status'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.NodeFeatures': {
    since: 'v1.31',
    schema: {
      description:
        'NodeFeatures describes the set of features implemented by the CRI implementation. The features contained in the NodeFeatures should depend only on the cri implementation independent of runtime handlers.',
      properties: {
        supplementalGroupsPolicy: {
          description:
            'SupplementalGroupsPolicy is set to true if the runtime supports SupplementalGroupsPolicy and ContainerUser.',
          type: 'boolean',
        },
      },
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.NodeRuntimeHandler': {
    since: 'v1.30',
    schema: {
      description: 'NodeRuntimeHandler is a set of runtime handler information.',
      properties: {
        features: {
          $ref: '#/definitions/io.k8s.api.core.v1.NodeRuntimeHandlerFeatures',
          description: 'Supported features.',
        },
        name: { description: 'Runtime handler name. Empty for the default runtime handler.', type: 'string' },
      },
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.NodeRuntimeHandlerFeatures': {
    since: 'v1.30',
    schema: {
      description: 'NodeRuntimeHandlerFeatures is a set of features implemented by the runtime handler.',
      properties: {
        recursiveReadOnlyMounts: {
          description:
            'RecursiveReadOnlyMounts is set to true if the runtime handler supports RecursiveReadOnlyMounts.',
          type: 'boolean',
        },
        userNamespaces: {
          description:
            'UserNamespaces is set to true if the runtime handler supports UserNamespaces, including for volumes.',
          type: 'boolean',
        },
      },
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.PodResourceClaimStatus': {
    since: 'v1.28',
    schema: {
      description:
        'PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim which references a ResourceClaimTemplate. It stores the generated name for the corresponding ResourceClaim.',
      properties: {
        name: {
          description:
            'Name uniquely identifies this resource claim inside the pod. This must match the name of an entry in pod.spec.resourceClaims, which implies that the string must be a DNS_LABEL.',
          type: 'string',
        },
        resourceClaimName: {
          description:
            'ResourceClaimName is the name of the ResourceClaim that was generated for the Pod in the namespace of the Pod. If this is unset, then generating a ResourceClaim was not necessary. The pod.spec.resourceClaims entry can be ignored in this case.',
          type: 'string',
        },
      },
      required: ['name'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.ResourceHealth': {
    since: 'v1.31',
    schema: {
      description:
        'ResourceHealth represents the health of a resource. It has the latest device health information. This is a part of KEP https://kep.k8s.io/4680.',
      properties: {
        health: {
          description:
            "Health of the resource. can be one of:\n - Healthy: operates as normal\n - Unhealthy: reported unhealthy. We consider this a temporary health issue\n              since we do not have a mechanism today to distinguish\n              temporary and permanent issues.\n - Unknown: The status cannot be determined.\n            For example, Device Plugin got unregistered and hasn't been re-registered since.\n\nIn future we may want to introduce the PermanentlyUnhealthy Status.",
          type: 'string',
        },
        resourceID: {
          description:
            'ResourceID is the unique identifier of the resource. See the ResourceID type for more information.',
          type: 'string',
        },
      },
      required: ['resourceID'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.ResourceStatus': {
    since: 'v1.31',
    schema: {
      description: 'ResourceStatus represents the status of a single resource allocated to a Pod.',
      properties: {
        name: {
          description:
            'Name of the resource. Must be unique within the pod and in case of non-DRA resource, match one of the resources from the pod spec. For DRA resources, the value must be "claim:<claim_name>/<request>". When this status is reported about a container, the "claim_name" and "request" must match one of the claims of this container.',
          type: 'string',
        },
        resources: {
          description:
            'List of unique resources health. Each element in the list contains an unique resource ID and its health. At a minimum, for the lifetime of a Pod, resource ID must uniquely identify the resource allocated to the Pod on the Node. If other Pod on the same Node reports the status with the same resource ID, it must be the same resource they share. See ResourceID type definition for a specific format it has in various use cases.',
          items: { $ref: '#/definitions/io.k8s.api.core.v1.ResourceHealth' },
          type: 'array',
          'x-kubernetes-list-map-keys': ['resourceID'],
          'x-kubernetes-list-type': 'map',
        },
      },
      required: ['name'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.SleepAction': {
    since: 'v1.29',
    schema: {
      description: 'SleepAction describes a "sleep" action.',
      properties: {
        seconds: {
          description: 'Seconds is the number of seconds to sleep.',
          format: 'int64',
          type: 'integer',
        },
      },
      required: ['seconds'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.VolumeMountStatus': {
    since: 'v1.30',
    schema: {
      description: 'VolumeMountStatus shows status of volume mounts.',
      properties: {
        mountPath: { description: 'MountPath corresponds to the original VolumeMount.', type: 'string' },
        name: { description: 'Name corresponds to the name of the original VolumeMount.', type: 'string' },
        readOnly: { description: 'ReadOnly corresponds to the original VolumeMount.', type: 'boolean' },
        recursiveReadOnly: {
          description:
            'RecursiveReadOnly must be set to Disabled, Enabled, or unspecified (for non-readonly mounts). An IfPossible value in the original VolumeMount must be translated to Disabled or Enabled, depending on the mount result.',
          type: 'string',
        },
      },
      required: ['mountPath', 'name'],
      type: 'object',
    },
  },
  'io.k8s.api.core.v1.VolumeResourceRequirements': {
    since: 'v1.29',
    schema: {
      description: 'VolumeResourceRequirements describes the storage resource requirements for a volume.',
      properties: {
        limits: {
          additionalProperties: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
          description:
            'Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
          type: 'object',
        },
        requests: {
          additionalProperties: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
          description:
            'Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified, otherwise to an implementation-defined value. Requests cannot exceed Limits. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
          type: 'object',
        },
      },
      type: 'object',
    },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.SelectableField': {
    since: 'v1.30',
    schema: {
      description:
        'SelectableField specifies the JSON path of a field that may be used with field selectors.',
      properties: {
        jsonPath: {
          description:
            'jsonPath is a simple JSON path which is evaluated against each custom resource to produce a field selector value. Only JSON paths without the array notation are allowed. Must point to a field of type string, boolean or integer. Types with enum values and strings with formats are allowed. If jsonPath refers to absent field in a resource, the jsonPath evaluates to an empty string. Must not point to metdata fields. Required.',
          type: 'string',
        },
      },
      required: ['jsonPath'],
      type: 'object',
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement': {
    since: 'v1.31',
    schema: {
      description:
        'FieldSelectorRequirement is a selector that contains values, a key, and an operator that relates the key and values.',
      properties: {
        key: {
          description: 'key is the field selector key that the requirement applies to.',
          type: 'string',
        },
        operator: {
          description:
            "operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. The list of operators may grow in the future.",
          type: 'string',
        },
        values: {
          description:
            'values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty.',
          items: { type: 'string' },
          type: 'array',
          'x-kubernetes-list-type': 'atomic',
        },
      },
      required: ['key', 'operator'],
      type: 'object',
    },
  },
};

/** Fields Kubernetes added to existing definitions between v1.27 and v1.32. */
export const ADDED_FIELDS: readonly FieldAddition[] = [
  {
    definition: 'io.k8s.api.authorization.v1.ResourceAttributes',
    field: 'fieldSelector',
    since: 'v1.31',
    schema: {
      $ref: '#/definitions/io.k8s.api.authorization.v1.FieldSelectorAttributes',
      description:
        'fieldSelector describes the limitation on access based on field.  It can only limit access, not broaden it.',
    },
  },
  {
    definition: 'io.k8s.api.authorization.v1.ResourceAttributes',
    field: 'labelSelector',
    since: 'v1.31',
    schema: {
      $ref: '#/definitions/io.k8s.api.authorization.v1.LabelSelectorAttributes',
      description:
        'labelSelector describes the limitation on access based on labels.  It can only limit access, not broaden it.',
    },
  },
  {
    definition: 'io.k8s.api.batch.v1.JobSpec',
    field: 'backoffLimitPerIndex',
    since: 'v1.28',
    schema: {
      description:
        "Specifies the limit for the number of retries within an index before marking this index as failed. When enabled the number of failures per index is kept in the pod's batch.kubernetes.io/job-index-failure-count annotation. It can only be set when Job's completionMode=Indexed, and the Pod's restart policy is Never. The field is immutable. This field is beta-level. It can be used when the `JobBackoffLimitPerIndex` feature gate is enabled (enabled by default).",
      format: 'int32',
      type: 'integer',
    },
  },
  {
    definition: 'io.k8s.api.batch.v1.JobSpec',
    field: 'managedBy',
    since: 'v1.30',
    schema: {
      description:
        'ManagedBy field indicates the controller that manages a Job. The k8s Job controller reconciles jobs which don\'t have this field at all or the field value is the reserved string `kubernetes.io/job-controller`, but skips reconciling Jobs with a custom value for this field. The value must be a valid domain-prefixed path (e.g. acme.io/foo) - all characters before the first "/" must be a valid subdomain as defined by RFC 1123. All characters trailing the first "/" must be valid HTTP Path characters as defined by RFC 3986. The value cannot exceed 63 characters. This field is immutable.\n\nThis field is beta-level. The job controller accepts setting the field when the feature gate JobManagedBy is enabled (enabled by default).',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.batch.v1.JobSpec',
    field: 'maxFailedIndexes',
    since: 'v1.28',
    schema: {
      description:
        'Specifies the maximal number of failed indexes before marking the Job as failed, when backoffLimitPerIndex is set. Once the number of failed indexes exceeds this number the entire Job is marked as Failed and its execution is terminated. When left as null the job continues execution of all of its indexes and is marked with the `Complete` Job condition. It can only be specified when backoffLimitPerIndex is set. It can be null or up to completions. It is required and must be less than or equal to 10^4 when is completions greater than 10^5. This field is beta-level. It can be used when the `JobBackoffLimitPerIndex` feature gate is enabled (enabled by default).',
      format: 'int32',
      type: 'integer',
    },
  },
  {
    definition: 'io.k8s.api.batch.v1.JobSpec',
    field: 'podReplacementPolicy',
    since: 'v1.28',
    schema: {
      description:
        'podReplacementPolicy specifies when to create replacement Pods. Possible values are: - TerminatingOrFailed means that we recreate pods\n  when they are terminating (has a metadata.deletionTimestamp) or failed.\n- Failed means to wait until a previously created Pod is fully terminated (has phase\n  Failed or Succeeded) before creating a replacement Pod.\n\nWhen using podFailurePolicy, Failed is the the only allowed value. TerminatingOrFailed and Failed are allowed values when podFailurePolicy is not in use. This is an beta field. To use this, enable the JobPodReplacementPolicy feature toggle. This is on by default.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.batch.v1.JobSpec',
    field: 'successPolicy',
    since: 'v1.30',
    schema: {
      $ref: '#/definitions/io.k8s.api.batch.v1.SuccessPolicy',
      description:
        'successPolicy specifies the policy when the Job can be declared as succeeded. If empty, the default behavior applies - the Job is declared as succeeded only when the number of succeeded pods equals to the completions. When the field is specified, it must be immutable and works only for the Indexed Jobs. Once the Job meets the SuccessPolicy, the lingering pods are terminated.\n\nThis field is beta-level. To use this field, you must enable the `JobSuccessPolicy` feature gate (enabled by default).',
    },
  },
  {
    definition: 'io.k8s.api.batch.v1.JobStatus',
    field: 'failedIndexes',
    since: 'v1.28',
    schema: {
      description:
        'FailedIndexes holds the failed indexes when spec.backoffLimitPerIndex is set. The indexes are represented in the text format analogous as for the `completedIndexes` field, ie. they are kept as decimal integers separated by commas. The numbers are listed in increasing order. Three or more consecutive numbers are compressed and represented by the first and last element of the series, separated by a hyphen. For example, if the failed indexes are 1, 3, 4, 5 and 7, they are represented as "1,3-5,7". The set of failed indexes cannot overlap with the set of completed indexes.\n\nThis field is beta-level. It can be used when the `JobBackoffLimitPerIndex` feature gate is enabled (enabled by default).',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.batch.v1.JobStatus',
    field: 'terminating',
    since: 'v1.28',
    schema: {
      description:
        'The number of pods which are terminating (in phase Pending or Running and have a deletionTimestamp).\n\nThis field is beta-level. The job controller populates the field when the feature gate JobPodReplacementPolicy is enabled (enabled by default).',
      format: 'int32',
      type: 'integer',
    },
  },
  {
    definition: 'io.k8s.api.coordination.v1.LeaseSpec',
    field: 'preferredHolder',
    since: 'v1.31',
    schema: {
      description:
        'PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up. This field can only be set if Strategy is also set.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.coordination.v1.LeaseSpec',
    field: 'strategy',
    since: 'v1.31',
    schema: {
      description:
        'Strategy indicates the strategy for picking the leader for coordinated leader election. If the field is not specified, there is no active coordination for this lease. (Alpha) Using this field requires the CoordinatedLeaderElection feature gate to be enabled.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.Container',
    field: 'resizePolicy',
    since: 'v1.27',
    schema: {
      description: 'Resources resize policy for the container.',
      items: { $ref: '#/definitions/io.k8s.api.core.v1.ContainerResizePolicy' },
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.Container',
    field: 'restartPolicy',
    since: 'v1.28',
    schema: {
      description:
        'RestartPolicy defines the restart behavior of individual containers in a pod. This field may only be set for init containers, and the only allowed value is "Always". For non-init containers or when this field is not specified, the restart behavior is defined by the Pod\'s restart policy and the container type. Setting the RestartPolicy as "Always" for the init container will have the following effect: this init container will be continually restarted on exit until all regular containers have terminated. Once all regular containers have completed, all init containers with restartPolicy "Always" will be shut down. This lifecycle differs from normal init containers and is often referred to as a "sidecar" container. Although this init container still starts in the init container sequence, it does not wait for the container to complete before proceeding to the next init container. Instead, the next init container starts immediately after this init container is started, or after any startupProbe has successfully completed.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.ContainerStatus',
    field: 'allocatedResources',
    since: 'v1.27',
    schema: {
      additionalProperties: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
      description:
        'AllocatedResources represents the compute resources allocated for this container by the node. Kubelet sets this value to Container.Resources.Requests upon successful pod admission and after successfully admitting desired pod resize.',
      type: 'object',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.ContainerStatus',
    field: 'allocatedResourcesStatus',
    since: 'v1.31',
    schema: {
      description:
        'AllocatedResourcesStatus represents the status of various resources allocated for this Pod.',
      items: { $ref: '#/definitions/io.k8s.api.core.v1.ResourceStatus' },
      type: 'array',
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.ContainerStatus',
    field: 'resources',
    since: 'v1.27',
    schema: {
      $ref: '#/definitions/io.k8s.api.core.v1.ResourceRequirements',
      description:
        'Resources represents the compute resource requests and limits that have been successfully enacted on the running container after it has been started or has been successfully resized.',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.ContainerStatus',
    field: 'user',
    since: 'v1.31',
    schema: {
      $ref: '#/definitions/io.k8s.api.core.v1.ContainerUser',
      description:
        'User represents user identity information initially attached to the first process of the container',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.ContainerStatus',
    field: 'volumeMounts',
    since: 'v1.30',
    schema: {
      description: 'Status of volume mounts.',
      items: { $ref: '#/definitions/io.k8s.api.core.v1.VolumeMountStatus' },
      type: 'array',
      'x-kubernetes-list-map-keys': ['mountPath'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'mountPath',
      'x-kubernetes-patch-strategy': 'merge',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.EphemeralContainer',
    field: 'resizePolicy',
    since: 'v1.27',
    schema: {
      description: 'Resources resize policy for the container.',
      items: { $ref: '#/definitions/io.k8s.api.core.v1.ContainerResizePolicy' },
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.EphemeralContainer',
    field: 'restartPolicy',
    since: 'v1.28',
    schema: {
      description:
        'Restart policy for the container to manage the restart behavior of each container within a pod. This may only be set for init containers. You cannot set this field on ephemeral containers.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.LifecycleHandler',
    field: 'sleep',
    since: 'v1.29',
    schema: {
      $ref: '#/definitions/io.k8s.api.core.v1.SleepAction',
      description: 'Sleep represents a duration that the container should sleep.',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.LoadBalancerIngress',
    field: 'ipMode',
    since: 'v1.29',
    schema: {
      description:
        'IPMode specifies how the load-balancer IP behaves, and may only be specified when the ip field is specified. Setting this to "VIP" indicates that traffic is delivered to the node with the destination set to the load-balancer\'s IP and port. Setting this to "Proxy" indicates that traffic is delivered to the node or pod with the destination set to the node\'s IP and node port or the pod\'s IP and port. Service implementations may use this information to adjust traffic routing.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.NodeStatus',
    field: 'features',
    since: 'v1.31',
    schema: {
      $ref: '#/definitions/io.k8s.api.core.v1.NodeFeatures',
      description: 'Features describes the set of features implemented by the CRI implementation.',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.NodeStatus',
    field: 'runtimeHandlers',
    since: 'v1.30',
    schema: {
      description: 'The available runtime handlers.',
      items: { $ref: '#/definitions/io.k8s.api.core.v1.NodeRuntimeHandler' },
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PersistentVolumeClaimSpec',
    field: 'volumeAttributesClassName',
    since: 'v1.29',
    schema: {
      description:
        "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim. If specified, the CSI driver will create or update the volume with the attributes defined in the corresponding VolumeAttributesClass. This has a different purpose than storageClassName, it can be changed after the claim is created. An empty string value means that no VolumeAttributesClass will be applied to the claim but it's not allowed to reset this field to empty string once it is set. If unspecified and the PersistentVolumeClaim is unbound, the default VolumeAttributesClass will be set by the persistentvolume controller if it exists. If the resource referred to by volumeAttributesClass does not exist, this PersistentVolumeClaim will be set to a Pending state, as reflected by the modifyVolumeStatus field, until such as a resource exists. More info: https://kubernetes.io/docs/concepts/storage/volume-attributes-classes/ (Beta) Using this field requires the VolumeAttributesClass feature gate to be enabled (off by default).",
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PersistentVolumeClaimStatus',
    field: 'allocatedResourceStatuses',
    since: 'v1.28',
    schema: {
      additionalProperties: { type: 'string' },
      description:
        'allocatedResourceStatuses stores status of resource being resized for the given PVC. Key names follow standard Kubernetes label syntax. Valid values are either:\n\t* Un-prefixed keys:\n\t\t- storage - the capacity of the volume.\n\t* Custom resources must use implementation-defined prefixed names such as "example.com/my-custom-resource"\nApart from above values - keys that are unprefixed or have kubernetes.io prefix are considered reserved and hence may not be used.\n\nClaimResourceStatus can be in any of following states:\n\t- ControllerResizeInProgress:\n\t\tState set when resize controller starts resizing the volume in control-plane.\n\t- ControllerResizeFailed:\n\t\tState set when resize has failed in resize controller with a terminal error.\n\t- NodeResizePending:\n\t\tState set when resize controller has finished resizing the volume but further resizing of\n\t\tvolume is needed on the node.\n\t- NodeResizeInProgress:\n\t\tState set when kubelet starts resizing the volume.\n\t- NodeResizeFailed:\n\t\tState set when resizing has failed in kubelet with a terminal error. Transient errors don\'t set\n\t\tNodeResizeFailed.\nFor example: if expanding a PVC for more capacity - this field can be one of the following states:\n\t- pvc.status.allocatedResourceStatus[\'storage\'] = "ControllerResizeInProgress"\n     - pvc.status.allocatedResourceStatus[\'storage\'] = "ControllerResizeFailed"\n     - pvc.status.allocatedResourceStatus[\'storage\'] = "NodeResizePending"\n     - pvc.status.allocatedResourceStatus[\'storage\'] = "NodeResizeInProgress"\n     - pvc.status.allocatedResourceStatus[\'storage\'] = "NodeResizeFailed"\nWhen this field is not set, it means that no resize operation is in progress for the given PVC.\n\nA controller that receives PVC update with previously unknown resourceName or ClaimResourceStatus should ignore the update for the purpose it was designed. For example - a controller that only is responsible for resizing capacity of the volume, should ignore PVC updates that change other valid resources associated with PVC.\n\nThis is an alpha field and requires enabling RecoverVolumeExpansionFailure feature.',
      type: 'object',
      'x-kubernetes-map-type': 'granular',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PersistentVolumeClaimStatus',
    field: 'currentVolumeAttributesClassName',
    since: 'v1.29',
    schema: {
      description:
        'currentVolumeAttributesClassName is the current name of the VolumeAttributesClass the PVC is using. When unset, there is no VolumeAttributeClass applied to this PersistentVolumeClaim This is a beta field and requires enabling VolumeAttributesClass feature (off by default).',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PersistentVolumeClaimStatus',
    field: 'modifyVolumeStatus',
    since: 'v1.29',
    schema: {
      $ref: '#/definitions/io.k8s.api.core.v1.ModifyVolumeStatus',
      description:
        'ModifyVolumeStatus represents the status object of ControllerModifyVolume operation. When this is unset, there is no ModifyVolume operation being attempted. This is a beta field and requires enabling VolumeAttributesClass feature (off by default).',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PersistentVolumeSpec',
    field: 'volumeAttributesClassName',
    since: 'v1.29',
    schema: {
      description:
        'Name of VolumeAttributesClass to which this persistent volume belongs. Empty value is not allowed. When this field is not set, it indicates that this volume does not belong to any VolumeAttributesClass. This field is mutable and can be changed by the CSI driver after a volume has been updated successfully to a new class. For an unbound PersistentVolume, the volumeAttributesClassName will be matched with unbound PersistentVolumeClaims during the binding process. This is a beta field and requires enabling VolumeAttributesClass feature (off by default).',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PersistentVolumeStatus',
    field: 'lastPhaseTransitionTime',
    since: 'v1.28',
    schema: {
      $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time',
      description:
        'lastPhaseTransitionTime is the time the phase transitioned from one to another and automatically resets to current time everytime a volume phase transitions.',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodAffinityTerm',
    field: 'matchLabelKeys',
    since: 'v1.29',
    schema: {
      description:
        "MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. The keys are used to lookup values from the incoming pod labels, those key-value labels are merged with `labelSelector` as `key in (value)` to select the group of existing pods which pods will be taken into consideration for the incoming pod's pod (anti) affinity. Keys that don't exist in the incoming pod labels will be ignored. The default value is empty. The same key is forbidden to exist in both matchLabelKeys and labelSelector. Also, matchLabelKeys cannot be set when labelSelector isn't set. This is a beta field and requires enabling MatchLabelKeysInPodAffinity feature gate (enabled by default).",
      items: { type: 'string' },
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodAffinityTerm',
    field: 'mismatchLabelKeys',
    since: 'v1.29',
    schema: {
      description:
        "MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. The keys are used to lookup values from the incoming pod labels, those key-value labels are merged with `labelSelector` as `key notin (value)` to select the group of existing pods which pods will be taken into consideration for the incoming pod's pod (anti) affinity. Keys that don't exist in the incoming pod labels will be ignored. The default value is empty. The same key is forbidden to exist in both mismatchLabelKeys and labelSelector. Also, mismatchLabelKeys cannot be set when labelSelector isn't set. This is a beta field and requires enabling MatchLabelKeysInPodAffinity feature gate (enabled by default).",
      items: { type: 'string' },
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodResourceClaim',
    field: 'resourceClaimName',
    since: 'v1.31',
    schema: {
      description:
        'ResourceClaimName is the name of a ResourceClaim object in the same namespace as this pod.\n\nExactly one of ResourceClaimName and ResourceClaimTemplateName must be set.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodResourceClaim',
    field: 'resourceClaimTemplateName',
    since: 'v1.31',
    schema: {
      description:
        'ResourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace as this pod.\n\nThe template will be used to create a new ResourceClaim, which will be bound to this pod. When this pod is deleted, the ResourceClaim will also be deleted. The pod name and resource name, along with a generated component, will be used to form a unique name for the ResourceClaim, which will be recorded in pod.status.resourceClaimStatuses.\n\nThis field is immutable and no changes will be made to the corresponding ResourceClaim by the control plane after creating the ResourceClaim.\n\nExactly one of ResourceClaimName and ResourceClaimTemplateName must be set.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodSecurityContext',
    field: 'appArmorProfile',
    since: 'v1.30',
    schema: {
      $ref: '#/definitions/io.k8s.api.core.v1.AppArmorProfile',
      description:
        'appArmorProfile is the AppArmor options to use by the containers in this pod. Note that this field cannot be set when spec.os.name is windows.',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodSecurityContext',
    field: 'seLinuxChangePolicy',
    since: 'v1.32',
    schema: {
      description:
        'seLinuxChangePolicy defines how the container\'s SELinux label is applied to all volumes used by the Pod. It has no effect on nodes that do not support SELinux or to volumes does not support SELinux. Valid values are "MountOption" and "Recursive".\n\n"Recursive" means relabeling of all files on all Pod volumes by the container runtime. This may be slow for large volumes, but allows mixing privileged and unprivileged Pods sharing the same volume on the same node.\n\n"MountOption" mounts all eligible Pod volumes with `-o context` mount option. This requires all Pods that share the same volume to use the same SELinux label. It is not possible to share the same volume among privileged and unprivileged Pods. Eligible volumes are in-tree FibreChannel and iSCSI volumes, and all CSI volumes whose CSI driver announces SELinux support by setting spec.seLinuxMount: true in their CSIDriver instance. Other volumes are always re-labelled recursively. "MountOption" value is allowed only when SELinuxMount feature gate is enabled.\n\nIf not specified and SELinuxMount feature gate is enabled, "MountOption" is used. If not specified and SELinuxMount feature gate is disabled, "MountOption" is used for ReadWriteOncePod volumes and "Recursive" for all other volumes.\n\nThis field affects only Pods that have SELinux label set, either in PodSecurityContext or in SecurityContext of all containers.\n\nAll Pods that use the same volume should use the same seLinuxChangePolicy, otherwise some pods can get stuck in ContainerCreating state. Note that this field cannot be set when spec.os.name is windows.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodSecurityContext',
    field: 'supplementalGroupsPolicy',
    since: 'v1.31',
    schema: {
      description:
        'Defines how supplemental groups of the first container processes are calculated. Valid values are "Merge" and "Strict". If not specified, "Merge" is used. (Alpha) Using the field requires the SupplementalGroupsPolicy feature gate to be enabled and the container runtime must implement support for this feature. Note that this field cannot be set when spec.os.name is windows.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodSpec',
    field: 'resources',
    since: 'v1.32',
    schema: {
      $ref: '#/definitions/io.k8s.api.core.v1.ResourceRequirements',
      description:
        'Resources is the total amount of CPU and Memory resources required by all containers in the pod. It supports specifying Requests and Limits for "cpu" and "memory" resource names only. ResourceClaims are not supported.\n\nThis field enables fine-grained control over resource allocation for the entire pod, allowing resource sharing among containers in a pod.\n\nThis is an alpha field and requires enabling the PodLevelResources feature gate.',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodStatus',
    field: 'hostIPs',
    since: 'v1.28',
    schema: {
      description:
        'hostIPs holds the IP addresses allocated to the host. If this field is specified, the first entry must match the hostIP field. This list is empty if the pod has not started yet. A pod can be assigned to a node that has a problem in kubelet which in turns means that HostIPs will not be updated even if there is a node is assigned to this pod.',
      items: { $ref: '#/definitions/io.k8s.api.core.v1.HostIP' },
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
      'x-kubernetes-patch-merge-key': 'ip',
      'x-kubernetes-patch-strategy': 'merge',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodStatus',
    field: 'resize',
    since: 'v1.27',
    schema: {
      description:
        'Status of resources resize desired for pod\'s containers. It is empty if no resources resize is pending. Any changes to container resources will automatically set this to "Proposed"',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.PodStatus',
    field: 'resourceClaimStatuses',
    since: 'v1.28',
    schema: {
      description: 'Status of resource claims.',
      items: { $ref: '#/definitions/io.k8s.api.core.v1.PodResourceClaimStatus' },
      type: 'array',
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge,retainKeys',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.ResourceClaim',
    field: 'request',
    since: 'v1.31',
    schema: {
      description:
        'Request is the name chosen for a request in the referenced claim. If empty, everything from the claim is made available, otherwise only the result of this request.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.SecurityContext',
    field: 'appArmorProfile',
    since: 'v1.30',
    schema: {
      $ref: '#/definitions/io.k8s.api.core.v1.AppArmorProfile',
      description:
        "appArmorProfile is the AppArmor options to use by this container. If set, this profile overrides the pod's appArmorProfile. Note that this field cannot be set when spec.os.name is windows.",
    },
  },
  {
    definition: 'io.k8s.api.core.v1.ServiceSpec',
    field: 'trafficDistribution',
    since: 'v1.30',
    schema: {
      description:
        'TrafficDistribution offers a way to express preferences for how traffic is distributed to Service endpoints. Implementations can use this field as a hint, but are not required to guarantee strict adherence. If the field is not set, the implementation will apply its default routing strategy. If set to "PreferClose", implementations should prioritize endpoints that are topologically close (e.g., same zone). This is a beta field and requires enabling ServiceTrafficDistribution feature.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.Volume',
    field: 'image',
    since: 'v1.31',
    schema: {
      $ref: '#/definitions/io.k8s.api.core.v1.ImageVolumeSource',
      description:
        "image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet's host machine. The volume is resolved at pod startup depending on which PullPolicy value is provided:\n\n- Always: the kubelet always attempts to pull the reference. Container creation will fail If the pull fails. - Never: the kubelet never pulls the reference and only uses a local image or artifact. Container creation will fail if the reference isn't present. - IfNotPresent: the kubelet pulls if the reference isn't already present on disk. Container creation will fail if the reference isn't present and the pull fails.\n\nThe volume gets re-resolved if the pod gets deleted and recreated, which means that new remote content will become available on pod recreation. A failure to resolve or pull the image during pod startup will block containers from starting and may add significant latency. Failures will be retried using normal volume backoff and will be reported on the pod reason and message. The types of objects that may be mounted by this volume are defined by the container runtime implementation on a host machine and at minimum must include all valid types supported by the container image field. The OCI object gets mounted in a single directory (spec.containers[*].volumeMounts.mountPath) by merging the manifest layers in the same way as for container images. The volume will be mounted read-only (ro) and non-executable files (noexec). Sub path mounts for containers are not supported (spec.containers[*].volumeMounts.subpath). The field spec.securityContext.fsGroupChangePolicy has no effect on this volume type.",
    },
  },
  {
    definition: 'io.k8s.api.core.v1.VolumeMount',
    field: 'recursiveReadOnly',
    since: 'v1.30',
    schema: {
      description:
        'RecursiveReadOnly specifies whether read-only mounts should be handled recursively.\n\nIf ReadOnly is false, this field has no meaning and must be unspecified.\n\nIf ReadOnly is true, and this field is set to Disabled, the mount is not made recursively read-only.  If this field is set to IfPossible, the mount is made recursively read-only, if it is supported by the container runtime.  If this field is set to Enabled, the mount is made recursively read-only if it is supported by the container runtime, otherwise the pod will not be started and an error will be generated to indicate the reason.\n\nIf this field is set to IfPossible or Enabled, MountPropagation must be set to None (or be unspecified, which defaults to None).\n\nIf this field is not specified, it is treated as an equivalent of Disabled.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.api.core.v1.VolumeProjection',
    field: 'clusterTrustBundle',
    since: 'v1.29',
    schema: {
      $ref: '#/definitions/io.k8s.api.core.v1.ClusterTrustBundleProjection',
      description:
        'ClusterTrustBundle allows a pod to access the `.spec.trustBundle` field of ClusterTrustBundle objects in an auto-updating file.\n\nAlpha, gated by the ClusterTrustBundleProjection feature gate.\n\nClusterTrustBundle objects can either be selected by name, or by the combination of signer name and a label selector.\n\nKubelet performs aggressive normalization of the PEM contents written into the pod filesystem.  Esoteric PEM features such as inter-block comments and block headers are stripped.  Certificates are deduplicated. The ordering of certificates within the file is arbitrary, and Kubelet may change the order over time.',
    },
  },
  {
    definition: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionVersion',
    field: 'selectableFields',
    since: 'v1.30',
    schema: {
      description:
        'selectableFields specifies paths to fields that may be used as field selectors. A maximum of 8 selectable fields are allowed. See https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors',
      items: {
        $ref: '#/definitions/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.SelectableField',
      },
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
    },
  },
  {
    definition: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule',
    field: 'fieldPath',
    since: 'v1.28',
    schema: {
      description:
        "fieldPath represents the field path returned when the validation fails. It must be a relative JSON path (i.e. with array notation) scoped to the location of this x-kubernetes-validations extension in the schema and refer to an existing field. e.g. when validation checks if a specific attribute `foo` under a map `testMap`, the fieldPath could be set to `.testMap.foo` If the validation checks two lists must have unique attributes, the fieldPath could be set to either of the list: e.g. `.testList` It does not support list numeric index. It supports child operation to refer to an existing field currently. Refer to [JSONPath support in Kubernetes](https://kubernetes.io/docs/reference/kubectl/jsonpath/) for more info. Numeric index of array is not supported. For field name which contains special characters, use `['specialName']` to refer the field name. e.g. for attribute `foo.34$` appears in a list `testList`, the fieldPath could be set to `.testList['foo.34$']`",
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule',
    field: 'messageExpression',
    since: 'v1.27',
    schema: {
      description:
        'MessageExpression declares a CEL expression that evaluates to the validation failure message that is returned when this rule fails. Since messageExpression is used as a failure message, it must evaluate to a string. If both message and messageExpression are present on a rule, then messageExpression will be used if validation fails. If messageExpression results in a runtime error, the runtime error is logged, and the validation failure message is produced as if the messageExpression field were unset. If messageExpression evaluates to an empty string, a string with only spaces, or a string that contains line breaks, then the validation failure message will also be produced as if the messageExpression field were unset, and the fact that messageExpression produced an empty string/string with only spaces/string with line breaks will be logged. messageExpression has access to all the same variables as the rule; the only difference is the return type. Example: "x must be less than max ("+string(self.max)+")"',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule',
    field: 'optionalOldSelf',
    since: 'v1.29',
    schema: {
      description:
        'optionalOldSelf is used to opt a transition rule into evaluation even when the object is first created, or if the old object is missing the value.\n\nWhen enabled `oldSelf` will be a CEL optional whose value will be `None` if there is no old value, or when the object is initially created.\n\nYou may check for presence of oldSelf using `oldSelf.hasValue()` and unwrap it after checking using `oldSelf.value()`. Check the CEL documentation for Optional types for more information: https://pkg.go.dev/github.com/google/cel-go/cel#OptionalTypes\n\nMay not be set unless `oldSelf` is used in `rule`.',
      type: 'boolean',
    },
  },
  {
    definition: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule',
    field: 'reason',
    since: 'v1.28',
    schema: {
      description:
        'reason provides a machine-readable validation failure reason that is returned to the caller when a request fails this validation rule. The HTTP status code returned to the caller will match the reason of the reason of the first failed validation rule. The currently supported reasons are: "FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate". If not set, default to use "FieldValueInvalid". All future added reasons must be accepted by clients when reading this value and unknown reasons should be treated as FieldValueInvalid.',
      type: 'string',
    },
  },
  {
    definition: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
    field: 'ignoreStoreReadErrorWithClusterBreakingPotential',
    since: 'v1.32',
    schema: {
      description:
        'if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error. A resource is considered corrupt if it can not be retrieved from the underlying storage successfully because of a) its data can not be transformed e.g. decryption failure, or b) it fails to decode into an object. NOTE: unsafe deletion ignores finalizer constraints, skips precondition checks, and removes the object from the storage. WARNING: This may potentially break the cluster if the workload associated with the resource being unsafe-deleted relies on normal deletion flow. Use only if you REALLY know what you are doing. The default value is false, and the user must opt in to enable it',
      type: 'boolean',
    },
  },
];

/** Fields and definitions that no longer exist in v1.32. */
export const REMOVED_FIELDS: readonly FieldRemoval[] = [
  {
    definition: 'io.k8s.api.networking.v1.NetworkPolicy',
    field: 'status',
    removedIn: 'v1.27',
    note: 'NetworkPolicyStatus was never implemented and was dropped with its feature gate',
  },
  {
    definition: 'io.k8s.api.core.v1.PersistentVolumeClaimStatus',
    field: 'resizeStatus',
    removedIn: 'v1.28',
    note: 'replaced by allocatedResourceStatuses',
  },
  {
    definition: 'io.k8s.api.core.v1.PodResourceClaim',
    field: 'source',
    removedIn: 'v1.31',
    note: 'ClaimSource was flattened into resourceClaimName / resourceClaimTemplateName',
  },
];

export const REMOVED_DEFINITIONS: readonly { definition: string; removedIn: KubeMinor }[] = [
  { definition: 'io.k8s.api.networking.v1.NetworkPolicyStatus', removedIn: 'v1.27' },
  { definition: 'io.k8s.api.core.v1.ClaimSource', removedIn: 'v1.31' },
];

export const CHANGED_FIELDS: readonly FieldChange[] = [
  {
    definition: 'io.k8s.api.core.v1.PersistentVolumeClaimSpec',
    field: 'resources',
    since: 'v1.29',
    note: 'type ResourceRequirements → VolumeResourceRequirements (no `claims`)',
    set: { $ref: '#/definitions/io.k8s.api.core.v1.VolumeResourceRequirements' },
  },
  {
    definition: 'io.k8s.api.batch.v1.PodFailurePolicyRule',
    field: 'action',
    since: 'v1.28',
    note: 'new action FailIndex (with backoffLimitPerIndex)',
    set: { enum: ['Count', 'FailIndex', 'FailJob', 'Ignore'] },
  },
  {
    definition: 'io.k8s.api.batch.v1.PodFailurePolicyRule',
    field: 'onPodConditions',
    since: 'v1.29',
    note: 'no longer required',
    required: false,
  },
  {
    definition: 'io.k8s.api.core.v1.HostAlias',
    field: 'ip',
    since: 'v1.31',
    note: 'now required (hostAliases became a map list keyed by ip)',
    required: true,
  },
  {
    definition: 'io.k8s.api.core.v1.PodIP',
    field: 'ip',
    since: 'v1.31',
    note: 'now required',
    required: true,
  },
];

/**
 * Descriptions of existing fields whose text changed by v1.32 (keyed
 * `<definition>.<field>`): feature-gate notes that moved to beta/GA, fields
 * documented better. Only texts known exactly are listed.
 */
export const DESCRIPTION_UPDATES: Readonly<Record<string, string>> = descriptionUpdates;

/**
 * The v1.26.2 definitions brought up to v1.32: a patched deep copy of `base`.
 * Property keys stay sorted, as kube-openapi writes them.
 */
export function applyV132Changes(base: Definitions): Definitions {
  const defs = structuredClone(base) as Definitions;
  const at = (definition: string): SchemaObject => {
    const schema = defs[definition];
    if (!schema) throw new Error(`v1.32 patch: no definition ${definition}`);
    return schema;
  };
  for (const { definition } of REMOVED_DEFINITIONS) delete defs[definition];
  for (const [definition, { schema }] of Object.entries(ADDED_DEFINITIONS))
    defs[definition] = structuredClone(schema);
  for (const { definition, field } of REMOVED_FIELDS) {
    const schema = at(definition);
    delete schema.properties?.[field];
    schema.required = schema.required?.filter((name) => name !== field);
  }
  for (const { definition, field, schema } of ADDED_FIELDS) {
    const target = at(definition);
    target.properties = { ...target.properties, [field]: structuredClone(schema) };
  }
  for (const change of CHANGED_FIELDS) {
    const target = at(change.definition);
    const property = target.properties?.[change.field];
    if (!property) throw new Error(`v1.32 patch: no field ${change.definition}.${change.field}`);
    if (change.set) {
      if (change.set.$ref !== undefined) delete property.type;
      Object.assign(property, structuredClone(change.set));
    }
    if (change.required === true) target.required = [...new Set([...(target.required ?? []), change.field])];
    if (change.required === false) target.required = target.required?.filter((name) => name !== change.field);
  }
  for (const [name, schema] of Object.entries(defs))
    if (LIST_TYPE_SWEEP_PREFIXES.some((p) => name.startsWith(p))) markLists(schema);
  for (const [key, description] of Object.entries(DESCRIPTION_UPDATES)) {
    const dot = key.lastIndexOf('.');
    const property = at(key.slice(0, dot)).properties?.[key.slice(dot + 1)];
    if (!property) throw new Error(`v1.32 patch: no field ${key}`);
    property.description = description;
  }
  for (const schema of Object.values(defs)) {
    if (schema.properties) {
      schema.properties = sortKeys(schema.properties);
      for (const [name, property] of Object.entries(schema.properties))
        schema.properties[name] = sortKeys(property);
    }
    if (schema.required?.length === 0) delete schema.required;
  }
  return defs;
}

/**
 * By v1.32 every list field of the core, meta and apiextensions types (and of
 * apps, batch, networking, rbac, authorization) carries `+listType`: a list
 * with a patch merge key became `map` keyed by it, a merged list of scalars a
 * `set`, anything else `atomic` (e.g. `PodSpec.containers`, `ObjectMeta.ownerReferences`
 * `map`; `ObjectMeta.finalizers` `set`; `Container.args` `atomic`). Lists that
 * already declare a type keep it.
 */
const LIST_TYPE_SWEEP_PREFIXES = [
  'io.k8s.api.',
  'io.k8s.apimachinery.pkg.apis.meta.v1.',
  'io.k8s.apiextensions-apiserver.',
];

function markLists(schema: SchemaObject): void {
  for (const property of Object.values(schema.properties ?? {})) {
    if (property.type !== 'array' || property['x-kubernetes-list-type'] !== undefined) continue;
    const mergeKey = property['x-kubernetes-patch-merge-key'];
    if (mergeKey !== undefined) {
      property['x-kubernetes-list-map-keys'] = [mergeKey];
      property['x-kubernetes-list-type'] = 'map';
    } else if (property['x-kubernetes-patch-strategy'] === 'merge' && property.items?.$ref === undefined) {
      property['x-kubernetes-list-type'] = 'set';
    } else {
      property['x-kubernetes-list-type'] = 'atomic';
    }
  }
}

function sortKeys<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

let cached: Definitions | undefined;

/** The served (v1.32) definitions of the built-in types, computed once. Callers must not mutate them. */
export function definitionsV132(): Definitions {
  cached ??= applyV132Changes(baseDefinitions);
  return cached;
}
