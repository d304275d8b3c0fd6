/**
 * Container image references, as the defaulter reads them to choose an
 * imagePullPolicy (pkg/util/parsers ParseImageName over
 * github.com/distribution/reference): `[domain/]path[:tag][@digest]`.
 */

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

export interface ImageReference {
  name: string;
  tag: string;
  digest: string;
}

/**
 * The tag a runtime would pull: the given one, `latest` when neither tag nor
 * digest is given, empty for a digest-only reference; undefined when the
 * reference does not parse (then Kubernetes picks IfNotPresent).
 */
export function parseImageReference(image: string): ImageReference | undefined {
  const m = REFERENCE.exec(image);
  if (!m) return undefined;
  const name = m[1]!;
  if (name.length > 255) return undefined;
  // A domain part is only a domain when it looks like one; `foo:5000/bar` is a domain with port.
  let tag = m[2] ?? '';
  const digest = m[3] ?? '';
  if (!tag && !digest) tag = 'latest';
  return { name, tag, digest };
}

/** `Always` for `:latest` or an untagged image, else `IfNotPresent`. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return parseImageReference(image)?.tag === 'latest' ? 'Always' : 'IfNotPresent';
}
