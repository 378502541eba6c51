// Checks a JSON Schema cannot express: names that must be unique across bindings, references to
// clusters, Kubernetes naming rules (with wildcards), issuer URLs, reserved tags and annotations,
// the IAM shape of inline policies, and IAM's size quotas (in limits.ts). Runs even when the schema
// found problems, looking only at values of the right type, so every problem is reported at once.
import { isOwnerTagKey } from '../support/ownership.js';
import { findPolicyProblems, policyPath } from '../policy/validate.js';
import { describeBinding, describeField } from './describe.js';
import type { Diagnostic } from './diagnostics.js';
import { readInlinePolicy } from './inline-policy.js';
import {
  audienceProblem,
  issuerHostCaseWarning,
  issuerProblem,
  issuerPunycodeWarning,
  punycodeIssuer,
} from './issuer.js';
import { checkLimits } from './limits.js';
import { annotationKeyProblem, hasWildcard, namespaceProblem, serviceAccountNameProblem } from './names.js';
import type { JsonPath, Locator, Position } from './parse.js';
import { didYouMean } from '../support/suggest.js';
import { isObject, valueAt } from './values.js';

/** Collects diagnostics for one file. */
export interface Reporter {
  root: Record<string, unknown>;
  locate: Locator;
  error(at: Position, message: string): void;
  warning(at: Position, message: string): void;
}

export function checkSemantics(root: Record<string, unknown>, locate: Locator, file: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report: Reporter = {
    root,
    locate,
    error: (at, message) => diagnostics.push({ severity: 'error', file, ...at, message }),
    warning: (at, message) => diagnostics.push({ severity: 'warning', file, ...at, message }),
  };
  checkClusters(report);
  checkTags(['aws', 'tags'], report);
  const bindings = Array.isArray(root.bindings) ? root.bindings : [];
  bindings.forEach((binding, i) => {
    if (isObject(binding)) checkBinding(binding, i, report);
  });
  checkDuplicateRoles(bindings, report);
  checkDuplicateSubjects(bindings, report);
  checkLimits(report);
  return diagnostics;
}

function checkClusters({ root, locate, error, warning }: Reporter): void {
  const clusters = isObject(root.clusters) ? root.clusters : {};
  for (const [key, cluster] of Object.entries(clusters)) {
    if (!isObject(cluster)) continue;
    if (typeof cluster.audience === 'string') {
      const problem = audienceProblem(cluster.audience);
      if (problem) error(locate.value(['clusters', key, 'audience']), `cluster "${key}": ${problem}`);
    }
    if (typeof cluster.issuer !== 'string') continue;
    // An internationalised host is checked (and later used) in its punycode form.
    const punycode = punycodeIssuer(cluster.issuer);
    const problem = issuerProblem(punycode ?? cluster.issuer);
    if (problem) error(locate.value(['clusters', key, 'issuer']), `cluster "${key}": ${problem}`);
    const idn = problem ? undefined : issuerPunycodeWarning(cluster.issuer);
    if (idn) warning(locate.value(['clusters', key, 'issuer']), `cluster "${key}": ${idn}`);
    const hostCase = problem ? undefined : issuerHostCaseWarning(punycode ?? cluster.issuer);
    if (hostCase) warning(locate.value(['clusters', key, 'issuer']), `cluster "${key}": ${hostCase}`);
  }
}

function checkBinding(binding: Record<string, unknown>, index: number, report: Reporter): void {
  const { root, locate, error, warning } = report;
  const at = (...rest: JsonPath) => ['bindings', index, ...rest];
  const name = describeBinding(index, root);
  const clusters = isObject(root.clusters) ? Object.keys(root.clusters) : undefined;

  const serviceAccounts = Array.isArray(binding.serviceAccounts) ? binding.serviceAccounts : [];
  serviceAccounts.forEach((sa, j) => {
    if (!isObject(sa)) return;
    const { cluster, namespace, name: saName } = sa;
    if (typeof cluster === 'string' && clusters && !clusters.includes(cluster)) {
      const list = clusters.join(', ');
      const suggestion = didYouMean(cluster, clusters);
      const hint = suggestion
        ? `${suggestion} Defined clusters: ${list}`
        : ` — define it under clusters${list ? `, or use one of the defined clusters: ${list}` : ''}`;
      error(
        locate.value(at('serviceAccounts', j, 'cluster')),
        `cluster "${cluster}" is not defined under clusters${hint}`,
      );
    }
    const nsProblem = typeof namespace === 'string' ? namespaceProblem(namespace) : undefined;
    if (nsProblem) error(locate.value(at('serviceAccounts', j, 'namespace')), nsProblem);
    const nameProblem = typeof saName === 'string' ? serviceAccountNameProblem(saName) : undefined;
    if (nameProblem) error(locate.value(at('serviceAccounts', j, 'name')), nameProblem);
    if (typeof namespace === 'string' && typeof saName === 'string' && !nsProblem && !nameProblem) {
      if (hasWildcard(namespace) || hasWildcard(saName)) {
        warning(
          locate.value(at('serviceAccounts', j)),
          `service account ${namespace}/${saName} in ${name} is a wildcard subject: the trust policy admits every matching ServiceAccount (StringLike) and no ServiceAccount is created for it — list exact names to have them created`,
        );
      }
    }
  });

  checkTags(at('tags'), report);

  const annotations = isObject(binding.serviceAccountAnnotations) ? binding.serviceAccountAnnotations : {};
  for (const key of Object.keys(annotations)) {
    const problem = annotationKeyProblem(key);
    if (problem)
      error(
        locate.key(at('serviceAccountAnnotations', key)),
        `${problem} (serviceAccountAnnotations of ${name})`,
      );
  }

  const inline = isObject(binding.inlinePolicies) ? binding.inlinePolicies : {};
  for (const [policyName, value] of Object.entries(inline)) {
    if (typeof value !== 'string' && !isObject(value)) continue; // the schema reports the type
    const path = at('inlinePolicies', policyName);
    const label = `inline policy "${policyName}" of ${name}`;
    const read = readInlinePolicy(value, locate.scalar(path));
    if (!read.ok) {
      error(
        read.at ?? locate.value(path),
        `${label} ${read.problem} — fix the JSON, or write the policy as a YAML map`,
      );
      continue;
    }
    // A YAML map can be pointed into; a JSON string is reported at the string.
    const inYaml = typeof value !== 'string';
    for (const p of findPolicyProblems(read.document, 'identity')) {
      const where = inYaml
        ? p.at === 'key'
          ? locate.key([...path, ...p.path])
          : locate.value([...path, ...p.path])
        : locate.value(path);
      const sub = p.path.length ? ` ${policyPath(p.path)}` : '';
      error(where, `${label}${sub}: ${p.message}`);
    }
  }
}

/** Tag keys the tool owns; the schema checks the character rules. */
function checkTags(path: JsonPath, { root, locate, error }: Reporter): void {
  const tags = valueAt(root, path);
  if (!isObject(tags)) return;
  for (const key of Object.keys(tags)) {
    if (isOwnerTagKey(key)) {
      error(
        locate.key([...path, key]),
        `tag "${key}" in ${describeField(path, root)} is reserved: the tool sets it to the file's owner to mark what it manages — remove it (change the top-level owner instead)`,
      );
    }
  }
}

function checkDuplicateRoles(bindings: unknown[], { locate, error }: Reporter): void {
  const first = new Map<string, { index: number; role: string }>();
  const reportedFirst = new Set<number>();
  bindings.forEach((binding, index) => {
    const role = isObject(binding) ? binding.role : undefined;
    if (typeof role !== 'string' || role.length === 0) return;
    const earlier = first.get(role.toLowerCase());
    if (!earlier) {
      first.set(role.toLowerCase(), { index, role });
      return;
    }
    const here = locate.value(['bindings', index, 'role']);
    const there = locate.value(['bindings', earlier.index, 'role']);
    const sameCase = earlier.role === role;
    const why = sameCase ? '' : ' (IAM role names are case-insensitive)';
    error(
      here,
      `role "${role}" is already defined at line ${there.line}${sameCase ? '' : ` as "${earlier.role}"`}${why} — give each binding its own role name, or merge the two bindings`,
    );
    if (!reportedFirst.has(earlier.index)) {
      reportedFirst.add(earlier.index);
      error(
        there,
        `role "${earlier.role}" is defined again at line ${here.line}${sameCase ? '' : ` as "${role}"`}${why} — give each binding its own role name, or merge the two bindings`,
      );
    }
  });
}

/** A ServiceAccount carries one role-arn annotation, so it can be bound to one role only. */
function checkDuplicateSubjects(bindings: unknown[], { root, locate, error, warning }: Reporter): void {
  const first = new Map<string, { index: number; j: number }>();
  const reportedFirst = new Set<string>();
  bindings.forEach((binding, index) => {
    const serviceAccounts =
      isObject(binding) && Array.isArray(binding.serviceAccounts) ? binding.serviceAccounts : [];
    serviceAccounts.forEach((sa, j) => {
      if (!isObject(sa)) return;
      const { cluster, namespace, name } = sa;
      if (typeof cluster !== 'string' || typeof namespace !== 'string' || typeof name !== 'string') return;
      if (hasWildcard(namespace) || hasWildcard(name)) return;
      const key = `${cluster}/${namespace}/${name}`;
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, { index, j });
        return;
      }
      const here = locate.value(['bindings', index, 'serviceAccounts', j]);
      const there = locate.value(['bindings', earlier.index, 'serviceAccounts', earlier.j]);
      if (earlier.index === index) {
        warning(
          here,
          `service account ${key} is listed twice in ${describeBinding(index, root)} (first at line ${there.line}) — remove this entry`,
        );
        return;
      }
      const thisRole = describeBinding(index, root);
      const thatRole = describeBinding(earlier.index, root);
      const fix =
        'a ServiceAccount can carry only one role ARN; keep it in one binding (or use a separate ServiceAccount)';
      error(here, `service account ${key} is also bound in ${thatRole} at line ${there.line} — ${fix}`);
      if (!reportedFirst.has(key)) {
        reportedFirst.add(key);
        error(there, `service account ${key} is also bound in ${thisRole} at line ${here.line} — ${fix}`);
      }
    });
  });
}
