import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyMatch } from '../../../../src-renderer/components/shell/fuzzy.js';
import {
  kindEntries,
  objectEntries,
  placeEntries,
} from '../../../../src-renderer/components/shell/palette-entries.js';
import { navigationGroups, type ResourceType } from '../../../../src-renderer/kube/index.js';

const TYPES: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    namespaced: true,
    kind: 'Pod',
    shortNames: ['po'],
    verbs: ['list', 'watch'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    namespaced: true,
    kind: 'Deployment',
    shortNames: ['deploy'],
    verbs: ['list', 'watch'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    namespaced: true,
    kind: 'PersistentVolumeClaim',
    shortNames: ['pvc'],
    verbs: ['list', 'watch'],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'networkpolicies',
    namespaced: true,
    kind: 'NetworkPolicy',
    shortNames: ['netpol'],
    verbs: ['list', 'watch'],
  },
  {
    group: 'stable.example.com',
    version: 'v1',
    resource: 'crontabs',
    namespaced: true,
    kind: 'CronTab',
    shortNames: ['ct'],
    verbs: ['list', 'watch'],
    custom: true,
  },
];

describe('fuzzy matching', () => {
  it('matches characters in order, case-insensitively, and reports where', () => {
    expect(fuzzyMatch('dpl', 'Deployments')?.positions).toEqual([0, 2, 3]);
    expect(fuzzyMatch('xyz', 'Deployments')).toBeUndefined();
    expect(fuzzyMatch('', 'anything')).toEqual({ score: 0, positions: [] });
  });

  it('ranks exact, then prefix, then word-start matches above scattered ones', () => {
    const exact = fuzzyMatch('pods', 'Pods')!.score;
    const prefix = fuzzyMatch('pod', 'PodDisruptionBudgets')!.score;
    const words = fuzzyMatch('pvc', 'PersistentVolumeClaims')!.score;
    const scattered = fuzzyMatch('pvc', 'ApiServicesVc')?.score ?? -Infinity;
    expect(exact).toBeGreaterThan(prefix);
    expect(prefix).toBeGreaterThan(words);
    expect(words).toBeGreaterThan(scattered);
  });

  it('still matches when jumping to a word start would fail', () => {
    expect(fuzzyMatch('bc', 'abc-b')?.positions).toEqual([1, 2]);
  });

  it('finds kinds by title, kind, resource or short name', () => {
    const groups = navigationGroups(TYPES);
    const kinds = kindEntries('embedded', groups);
    const labels = (q: string) =>
      fuzzyFilter(q, kinds, (e) => [e.label, ...e.aliases]).map((r) => r.item.label);
    expect(labels('deploy')[0]).toBe('Deployments');
    expect(labels('pvc')[0]).toBe('PersistentVolumeClaims');
    expect(labels('netpol')[0]).toBe('NetworkPolicies');
    expect(labels('ct')[0]).toBe('CronTabs');
    expect(labels('po')[0]).toBe('Pods');
  });

  it('links kinds to their lists, places to their views and objects to their pages', () => {
    const groups = navigationGroups(TYPES);
    const deployments = kindEntries('embedded', groups).find((e) => e.label === 'Deployments')!;
    expect(deployments.to).toEqual({
      name: 'list',
      params: { cluster: 'embedded', group: 'apps', version: 'v1', resource: 'deployments' },
    });
    expect(placeEntries('embedded').map((e) => e.label)).toEqual([
      'Overview',
      'Events',
      'Editor',
      'Port-forwards',
    ]);
    const objects = objectEntries('embedded', [
      {
        type: TYPES[0]!,
        items: [
          { cells: ['web-1'], object: { metadata: { name: 'web-1', namespace: 'shop' } } },
          { cells: ['web-1'], object: { metadata: { name: 'web-1', namespace: 'shop' } } },
        ],
      },
      { type: TYPES[1]!, items: [{ metadata: { name: 'web', namespace: 'shop' } }] },
    ]);
    expect(objects.map((o) => [o.label, o.detail])).toEqual([
      ['web-1', 'Pod · shop'],
      ['web', 'Deployment · shop'],
    ]);
    expect(objects[0]!.to).toMatchObject({
      name: 'details',
      params: { namespace: 'shop', name: 'web-1', group: 'core' },
    });
  });
});
