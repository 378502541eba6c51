// Kubernetes naming rules for the subjects and annotations in a binding. Each check returns the
// problem in words (what is wrong and what to write), or undefined when the name is fine.
// Namespaces and ServiceAccount names may hold IAM StringLike wildcards (`*`, `?`); the other
// characters must still follow Kubernetes' rules, or no real ServiceAccount could ever match.
import { OWNER_ANNOTATION, ROLE_ARN_ANNOTATION } from '../support/ownership.js';

const WILDCARD = /[*?]/;
const LABEL_RULE = 'at most 63 lowercase letters, digits and -, starting and ending with a letter or digit';
const SUBDOMAIN_RULE =
  'at most 253 characters of dot-separated parts, each of lowercase letters, digits and -, starting and ending with a letter or digit';

export function hasWildcard(value: string): boolean {
  return WILDCARD.test(value);
}

/** A namespace is a DNS-1123 label. */
export function namespaceProblem(namespace: string): string | undefined {
  if (namespace.length === 0) return 'namespace is empty — write the namespace, for example default';
  if (namespace.length <= 63 && isLabel(namespace, true)) return undefined;
  return `namespace "${namespace}" is not a valid Kubernetes namespace — ${LABEL_RULE}${lowercaseFix(namespace, (v) => v.length <= 63 && isLabel(v, true))}`;
}

/** A ServiceAccount name is a DNS-1123 subdomain. */
export function serviceAccountNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'name is empty — write the ServiceAccount name, for example my-app';
  if (isSubdomain(name, true)) return undefined;
  return `name "${name}" is not a valid ServiceAccount name — ${SUBDOMAIN_RULE}${lowercaseFix(name, (v) => isSubdomain(v, true))}`;
}

/**
 * An annotation key is a Kubernetes qualified name with an optional DNS prefix, and must not be one
 * the tool writes itself (the role ARN and the ownership marks).
 */
export function annotationKeyProblem(key: string): string | undefined {
  if (key === ROLE_ARN_ANNOTATION) {
    return `annotation "${key}" is set by the tool to the role's ARN — remove it`;
  }
  const prefixOf = (k: string) => (k.includes('/') ? k.slice(0, k.indexOf('/')) : '');
  if (prefixOf(key) === prefixOf(OWNER_ANNOTATION)) {
    return `annotation "${key}" uses the prefix "${prefixOf(OWNER_ANNOTATION)}/", which the tool reserves for its ownership marks — remove it or use another prefix`;
  }
  const parts = key.split('/');
  const rule =
    'an annotation key is a name of at most 63 letters, digits, -, _ and . (starting and ending with a letter or digit), optionally after a DNS prefix and "/", for example eks.amazonaws.com/token-expiration';
  if (parts.length > 2) return `annotation key "${key}" has more than one "/" — ${rule}`;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && !isSubdomain(prefix, false)) {
    return `annotation key "${key}" has an invalid prefix "${prefix}" — ${rule}`;
  }
  if (name.length === 0 || name.length > 63 || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) {
    return `annotation key "${key}" is not valid — ${rule}`;
  }
  return undefined;
}

// With wildcards allowed, `*` and `?` count as letters: `team-*` is a fine pattern.
function isLabel(value: string, wildcards: boolean): boolean {
  const alnum = wildcards ? '[a-z0-9*?]' : '[a-z0-9]';
  const inner = wildcards ? '[-a-z0-9*?]' : '[-a-z0-9]';
  return new RegExp(`^${alnum}(${inner}*${alnum})?$`).test(value);
}

function isSubdomain(value: string, wildcards: boolean): boolean {
  return (
    value.length > 0 && value.length <= 253 && value.split('.').every((label) => isLabel(label, wildcards))
  );
}

function lowercaseFix(value: string, valid: (v: string) => boolean): string {
  const lower = value.toLowerCase();
  return lower !== value && valid(lower) ? `; write "${lower}"` : '';
}
