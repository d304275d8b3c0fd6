import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { convertText, YAML_OPTIONS } from '../../../../src-renderer/editor/deprecations/index.js';

const SERVICE = `---
# the service stays exactly as written
apiVersion: v1
kind: Service
metadata: { name: web }   # odd spacing kept
spec:
  ports:
    - port: 0x50
`;

describe('convertText', () => {
  it('edits a converted document in place: comments, quotes and layout survive', () => {
    const text = `# Deployment of the web tier
apiVersion: "extensions/v1beta1" # old
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2   # two is enough

  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
        volumeMounts: []
      volumes:
      - name: config
        configMap: {name: web, defaultMode: 0644}
${SERVICE}`;
    const result = convertText(text);
    expect(result.text).toBe(`# Deployment of the web tier
apiVersion: "apps/v1" # old
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2   # two is enough
  selector:
    matchLabels:
      app: web
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 1

  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
        volumeMounts: []
      volumes:
      - name: config
        configMap: {name: web, defaultMode: 0644}
${SERVICE}`);
    expect(result.documents.map((d) => [d.index, d.conversion.status, d.rewritten])).toEqual([
      [0, 'converted', false],
    ]);
    // Read as kubectl reads it (YAML 1.1): the octal mode is still 420.
    const [deployment] = parseAllDocuments(result.text, YAML_OPTIONS).map((d) => d.toJS());
    expect(deployment.spec.template.spec.volumes[0].configMap.defaultMode).toBe(0o644);
  });

  it('converts Ingress backends and adds pathType after path', () => {
    const text = `apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  backend: {serviceName: fallback, servicePort: 80}
  rules:
  - http:
      paths:
      - path: /
        backend:
          serviceName: web   # the site
          servicePort: http
`;
    expect(convertText(text).text).toBe(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service:
      name: fallback
      port:
        number: 80
  rules:
  - http:
      paths:
      - path: /
        pathType: ImplementationSpecific
        backend:
          service:
            name: web
            port:
              name: http
`);
  });

  it('edits the first key of a list item in place', () => {
    const text = `apiVersion: discovery.k8s.io/v1beta1
kind: EndpointSlice
addressType: IPv4
endpoints:
  - topology:
      kubernetes.io/hostname: node-1
    addresses: [10.0.0.1]
`;
    const result = convertText(text);
    expect(result.text).toBe(`apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
addressType: IPv4
endpoints:
  - nodeName: node-1
    addresses: [10.0.0.1]
`);
    expect(result.documents[0]!.rewritten).toBe(false);
  });

  it('converts only the documents asked for, and reports the unconvertible', () => {
    const text = `apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: a}
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: b}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: c}
`;
    const only = convertText(text, { documents: [1] });
    expect(only.text).toBe(
      text.replace(
        'batch/v1beta1\nkind: CronJob\nmetadata: {name: b}',
        'batch/v1\nkind: CronJob\nmetadata: {name: b}',
      ),
    );
    expect(only.documents.map((d) => d.index)).toEqual([1]);
    const all = convertText(text);
    expect(all.text.match(/batch\/v1\n/g)).toHaveLength(2);
    expect(all.text).toContain('apiVersion: policy/v1beta1');
    expect(all.documents.map((d) => [d.index, d.conversion.status])).toEqual([
      [0, 'converted'],
      [1, 'converted'],
      [2, 'unconvertible'],
    ]);
  });

  it('leaves text without deprecated documents, or that does not parse, byte for byte', () => {
    for (const text of [
      SERVICE,
      '',
      '# only a comment\n',
      'apiVersion: apps/v1beta1\nkind: [oops\n',
      'a: 1\n---\n\n...\n',
    ]) {
      expect(convertText(text)).toEqual({ text, documents: [] });
    }
  });

  it('converts a List item in place', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- apiVersion: extensions/v1beta1
  kind: NetworkPolicy
  metadata: {name: b}
  spec: {podSelector: {}}
`;
    expect(convertText(text).text).toBe(text.replace('extensions/v1beta1', 'networking.k8s.io/v1'));
  });
});
