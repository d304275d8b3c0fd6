import type { DocumentOptions, SchemaOptions } from 'yaml';

/**
 * How manifests are read and written: as kubectl reads them. kubectl (sigs.k8s.io/yaml over
 * go-yaml v2) follows YAML 1.1, so `defaultMode: 0660` is octal 432 and `on` is true, where the
 * `yaml` package's 1.2 default would send 660 and "on"; and, decoding into untyped JSON, it keeps
 * timestamps as strings, so the timestamp tag is left out.
 */
export const YAML_OPTIONS: DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags) =>
    tags.filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:timestamp'),
};
