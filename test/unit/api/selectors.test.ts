import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES } from '../../../embedded-cluster/api/builtin-resources.js';
import type { ResourceType } from '../../../embedded-cluster/api/catalog.js';
import { StatusError } from '../../../embedded-cluster/api/errors.js';
import type { KubeObject } from '../../../embedded-cluster/api/object.js';
import {
  escapeFieldValue,
  fieldSelectorFor,
  fieldsOf,
  formatLabels,
  formatLabelSelector,
  LabelSelector,
  labelSelectorFromObject,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  unescapeFieldValue,
  validateLabelSelector,
} from '../../../embedded-cluster/api/selectors/index.js';

const type = (group: string, resource: string): ResourceType => {
  const t = BUILTIN_RESOURCES.find((r) => r.group === group && r.resource === resource);
  if (!t) throw new Error(`no ${group}/${resource}`);
  return t;
};

/** The StatusError a call throws. */
function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

const badRequest = (fn: () => unknown) => {
  const err = statusOf(fn);
  expect(err.code).toBe(400);
  expect(err.reason).toBe('BadRequest');
  return err.message;
};

const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('label selector strings', () => {
  it.each([
    ['a=b', 'a=b'],
    ['a==b', 'a==b'],
    ['a!=b', 'a!=b'],
    ['a in (y,x)', 'a in (x,y)'],
    ['a notin (x)', 'a notin (x)'],
    ['a', 'a'],
    ['!a', '!a'],
    ['a>5', 'a>5'],
    ['a<5', 'a<5'],
    ['a=', 'a='],
    ['  b  =  c  ,\ta\t', 'a,b=c'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['x in (in,notin)', 'x in (in,notin)'],
    ['example.com/app=web', 'example.com/app=web'],
    ['', ''],
  ])('parses %j into %j', (text, canonical) => {
    expect(parseLabelSelector(text).toString()).toBe(canonical);
  });

  it('matches labels as Kubernetes does, a missing key satisfying only !=, notin and !', () => {
    const labels = { app: 'web', tier: 'front', replicas: '3' };
    const cases: [string, boolean][] = [
      ['app=web', true],
      ['app==web', true],
      ['app=db', false],
      ['app!=db', true],
      ['missing!=x', true],
      ['tier in (front,back)', true],
      ['tier notin (front)', false],
      ['missing notin (x)', true],
      ['missing in (x)', false],
      ['app', true],
      ['missing', false],
      ['!missing', true],
      ['!app', false],
      ['replicas>2', true],
      ['replicas<3', false],
      ['app>2', false],
      ['missing=', false],
      ['app=web,tier=back', false],
      ['', true],
    ];
    for (const [text, expected] of cases) {
      expect(parseLabelSelector(text).matches(labels), text).toBe(expected);
    }
    expect(parseLabelSelector('app').matches(undefined)).toBe(false);
    expect(parseLabelSelector('!app').matches(null)).toBe(true);
  });

  it('reports exact matches only for =, == and one-value in', () => {
    const s = parseLabelSelector('a=1,b in (2),c in (3,4),d!=5');
    expect([s.requiresExactMatch('a'), s.requiresExactMatch('b'), s.requiresExactMatch('c')]).toEqual([
      '1',
      '2',
      undefined,
    ]);
    expect(s.requiresExactMatch('d')).toBeUndefined();
  });

  it.each([
    ['app:monolith', `unable to parse requirement: <nil>: Invalid value: "app:monolith": ${NAME_PART_MSG}`],
    [
      'app.kubernetes_io/name=x',
      "unable to parse requirement: <nil>: Invalid value: \"app.kubernetes_io/name\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
    [
      'a/b/c ?=? def',
      "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (x,', "unable to parse requirement: found '', expected: ',', or identifier"],
    ['a in =', "unable to parse requirement: found '=' expected: '('"],
    ['a=!b', "unable to parse requirement: found '!', expected: identifier"],
    [
      'a>x',
      "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${LABEL_VALUE_MSG}`],
    [
      'a>-x',
      `unable to parse requirement: [values[0]: Invalid value: "-x": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: "-x": ${LABEL_VALUE_MSG}]`,
    ],
  ])('rejects %j with 400 and Kubernetes’ message', (text, message) => {
    expect(badRequest(() => parseLabelSelector(text))).toBe(message);
  });
});

describe('metav1.LabelSelector objects', () => {
  it('treats nil as nothing and {} as everything', () => {
    expect(labelSelectorFromObject(undefined).matches({ a: 'b' })).toBe(false);
    expect(labelSelectorFromObject(undefined).empty()).toBe(false);
    expect(labelSelectorFromObject({}).matches({})).toBe(true);
    expect(labelSelectorFromObject({}).empty()).toBe(true);
  });

  it('combines matchLabels and matchExpressions', () => {
    const s = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'back'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'track', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(s.toString()).toBe('app=web,!canary,env notin (prod),tier in (back,front),track');
    expect(s.matches({ app: 'web', tier: 'back', track: 'x' })).toBe(true);
    expect(s.matches({ app: 'web', tier: 'back', track: 'x', canary: '' })).toBe(false);
    expect(s.matches({ app: 'web', tier: 'back', track: 'x', env: 'prod' })).toBe(false);
  });

  it('throws Kubernetes’ messages for what it cannot convert', () => {
    const message = (sel: Parameters<typeof labelSelectorFromObject>[0]) => {
      try {
        labelSelectorFromObject(sel);
      } catch (e) {
        expect(e).toBeInstanceOf(SelectorError);
        return (e as Error).message;
      }
      return undefined;
    };
    expect(message({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toBe(
      '"Gt" is not a valid label selector operator',
    );
    expect(message({ matchExpressions: [{ key: 'a', operator: 'In' }] })).toBe(
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
    expect(message({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toBe(
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    );
    expect(message({ matchLabels: { 'a b': 'c' } })).toBe(`key: Invalid value: "a b": ${NAME_PART_MSG}`);
  });

  it('validates like ValidateLabelSelector, one problem per finding', () => {
    const problems = validateLabelSelector(
      {
        matchLabels: { 'bad key': 'ok', good: '-bad' },
        matchExpressions: [
          { key: 'a', operator: 'In' },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Gt', values: ['1'] },
          { key: 'd', operator: 'In', values: ['ok', 'not ok'] },
        ],
      },
      'spec.selector',
    );
    expect(problems).toEqual([
      { type: 'Invalid', field: 'spec.selector.matchLabels', value: 'bad key', detail: NAME_PART_MSG },
      { type: 'Invalid', field: 'spec.selector.matchLabels', value: '-bad', detail: LABEL_VALUE_MSG },
      {
        type: 'Required',
        field: 'spec.selector.matchExpressions[0].values',
        detail: "must be specified when `operator` is 'In' or 'NotIn'",
      },
      {
        type: 'Forbidden',
        field: 'spec.selector.matchExpressions[1].values',
        detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      },
      {
        type: 'Invalid',
        field: 'spec.selector.matchExpressions[2].operator',
        value: 'Gt',
        detail: 'not a valid selector operator',
      },
      {
        type: 'Invalid',
        field: 'spec.selector.matchExpressions[3].values[1]',
        value: 'not ok',
        detail: LABEL_VALUE_MSG,
      },
    ]);
    expect(validateLabelSelector(undefined, 'spec.selector')).toEqual([]);
  });

  it('formats selectors and label sets as the printers do', () => {
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector({ matchLabels: { b: '2', a: '1' } })).toBe('a=1,b=2');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] })).toBe('<error>');
    expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
    expect(formatLabels({})).toBe('<none>');
    expect(LabelSelector.everything.toString()).toBe('');
  });
});

describe('field selector strings', () => {
  it('parses terms sorted by their text, == as =', () => {
    const s = parseFieldSelector('status.phase==Running,spec.nodeName!=n1');
    expect(s.requirements).toEqual([
      { field: 'spec.nodeName', operator: '!=', value: 'n1' },
      { field: 'status.phase', operator: '=', value: 'Running' },
    ]);
    expect(s.toString()).toBe('spec.nodeName!=n1,status.phase=Running');
    expect(parseFieldSelector('').empty()).toBe(true);
    expect(parseFieldSelector(',,').empty()).toBe(true);
  });

  it('unescapes \\, \\= and \\\\ in values and splits only on unescaped commas', () => {
    const s = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d,metadata.namespace=x');
    expect(s.requirements[0]).toEqual({ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' });
    expect(escapeFieldValue('a,b=c\\d')).toBe('a\\,b\\=c\\\\d');
    expect(unescapeFieldValue(escapeFieldValue('x=,\\y'))).toBe('x=,\\y');
  });

  it('matches a missing field as the empty string', () => {
    const s = parseFieldSelector('a=,b!=x');
    expect(s.matches({})).toBe(true);
    expect(s.matches({ a: 'y' })).toBe(false);
    expect(s.matches({ b: 'x' })).toBe(false);
  });

  it.each([
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['x=1,b', "invalid selector: 'x=1,b'; can't understand 'b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a===b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('rejects %j with 400 and Kubernetes’ message', (text, message) => {
    expect(badRequest(() => parseFieldSelector(text))).toBe(message);
  });
});

describe('selectable fields per resource', () => {
  const pods = type('', 'pods');

  it.each([
    ['', 'pods', 'spec.foo=x', 'field label not supported: spec.foo'],
    ['', 'nodes', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['', 'namespaces', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['', 'events', 'regarding.name=x', 'field label not supported: regarding.name'],
    ['events.k8s.io', 'events', 'involvedObject.name=x', 'field label not supported: involvedObject.name'],
    [
      'networking.k8s.io',
      'ingresses',
      'foo.bar=baz',
      '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ],
    [
      'apps',
      'replicasets',
      'status.replicas=0',
      '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ],
    ['batch', 'jobs', 'status.active=1', 'field label "status.active" not supported for batchv1.Job'],
  ])('%s/%s rejects %j: %s', (group, resource, text, message) => {
    expect(badRequest(() => fieldSelectorFor(type(group, resource), text))).toBe(message);
  });

  it.each([
    ['', 'pods', 'spec.nodeName=n,spec.restartPolicy=Always,spec.hostNetwork=false,status.podIPs=x'],
    ['', 'pods', 'spec.schedulerName=s,spec.serviceAccountName=sa,status.phase=Running,status.podIP=1'],
    ['', 'pods', 'status.nominatedNodeName=n,metadata.name=a,metadata.namespace=b'],
    ['', 'nodes', 'spec.unschedulable=true,metadata.name=n'],
    ['', 'namespaces', 'status.phase=Active'],
    ['', 'secrets', 'type=Opaque'],
    ['', 'services', 'spec.clusterIP=None,spec.type=ClusterIP'],
    ['', 'replicationcontrollers', 'status.replicas=1'],
    ['', 'events', 'involvedObject.kind=Pod,reason=x,reportingComponent=y,source=z,type=Normal'],
    ['batch', 'jobs', 'status.successful=1'],
    ['rbac.authorization.k8s.io', 'clusterroles', 'metadata.namespace='],
  ])('%s/%s accepts %j', (group, resource, text) => {
    expect(() => fieldSelectorFor(type(group, resource), text)).not.toThrow();
  });

  it('gives a pod the values Kubernetes selects on', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        nodeName: 'n1',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        serviceAccountName: 'sa',
      },
      status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.7' }], nominatedNodeName: '' },
    };
    expect(fieldsOf(pods, pod)).toEqual({
      'metadata.name': 'web',
      'metadata.namespace': 'default',
      'spec.nodeName': 'n1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'sa',
      'spec.hostNetwork': 'false',
      'status.phase': 'Running',
      'status.podIP': '10.0.0.7',
      'status.nominatedNodeName': '',
    });
    // spec.host is the old name of spec.nodeName.
    const s = fieldSelectorFor(pods, 'spec.host=n1');
    expect(s.requirements).toEqual([{ field: 'spec.nodeName', operator: '=', value: 'n1' }]);
    expect(s.matches(fieldsOf(pods, pod))).toBe(true);
    expect(fieldSelectorFor(pods, 'status.podIPs=10.0.0.7').matches(fieldsOf(pods, pod))).toBe(false);
  });

  it('selects other kinds by their fields; cluster-scoped ones have no namespace', () => {
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} };
    expect(fieldsOf(type('', 'nodes'), node)).toEqual({
      'metadata.name': 'n1',
      'spec.unschedulable': 'false',
    });
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', namespace: 'ns' },
      status: { succeeded: 2 },
    };
    expect(
      fieldSelectorFor(type('batch', 'jobs'), 'status.successful=2').matches(
        fieldsOf(type('batch', 'jobs'), job),
      ),
    ).toBe(true);
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'ns' },
      type: 'Opaque',
    };
    expect(fieldsOf(type('', 'secrets'), secret)).toEqual({
      'metadata.name': 's',
      'metadata.namespace': 'ns',
      type: 'Opaque',
    });
  });

  it('maps events.k8s.io field names onto the stored event', () => {
    const eventsV1 = type('events.k8s.io', 'events');
    const event: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'ns' },
      regarding: { kind: 'Pod', name: 'web' },
      reason: 'Started',
      reportingController: 'kubelet',
      type: 'Normal',
    };
    const s = fieldSelectorFor(eventsV1, 'regarding.name=web,reportingController=kubelet');
    expect(s.matches(fieldsOf(eventsV1, event))).toBe(true);
    const core = type('', 'events');
    const coreEvent: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'ns' },
      involvedObject: { kind: 'Pod', name: 'web' },
      source: { component: 'kubelet' },
    };
    expect(
      fieldSelectorFor(core, 'involvedObject.name=web,source=kubelet').matches(fieldsOf(core, coreEvent)),
    ).toBe(true);
  });

  it('lets custom resources select by metadata and their CRD’s selectable fields', () => {
    const widgets: ResourceType = {
      ...type('apps', 'deployments'),
      group: 'example.com',
      resource: 'widgets',
      kind: 'Widget',
      namespaced: false,
      crd: 'widgets.example.com',
    };
    const options = { selectableFields: [{ jsonPath: '.spec.color' }, { jsonPath: '.spec.size' }] };
    expect(badRequest(() => fieldSelectorFor(widgets, 'metadata.namespace=x', options))).toBe(
      'field label not supported: metadata.namespace',
    );
    expect(badRequest(() => fieldSelectorFor(widgets, 'spec.shape=x', options))).toBe(
      'field label not supported: spec.shape',
    );
    const widget: KubeObject = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { color: 'red', size: 3 },
    };
    expect(fieldsOf(widgets, widget, options)).toEqual({
      'metadata.name': 'w',
      'spec.color': 'red',
      'spec.size': '3',
    });
    expect(
      fieldSelectorFor(widgets, 'spec.color=red,spec.size=3', options).matches(
        fieldsOf(widgets, widget, options),
      ),
    ).toBe(true);
  });
});
