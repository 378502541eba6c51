// Finds clusters that left the bindings file while ServiceAccounts of ours may still live on them.
// Without the cluster entry the plan has no way to reach that cluster, so its ServiceAccounts would
// stay annotated with roles that no longer exist. What the plan still knows is which issuers our
// roles trusted (their observed trust policies): an issuer that no cluster in the file has any more
// is a cluster that was removed, and the run must refuse until it has been drained.
import type { SourceLocation } from '../bindings/types.js';
import type { ObservedRole } from '../observed/types.js';
import type { Json } from '../policy/types.js';
import { isOurs } from '../support/ownership.js';
import { oidcProviderKey } from './address.js';

export interface RetiredIssuer {
  /** The issuer as IAM names it (host/path, case kept: provider URLs are case-sensitive). */
  issuer: string;
  /** Our roles whose trust policy still names it, sorted. */
  roles: string[];
  /** A file issuer that differs from it only in host case (a distinct provider to IAM), if any. */
  caseVariant?: string;
}

const FEDERATED = /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/;

function asList(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The OIDC issuers (host/path) a trust policy's Federated principals name. */
export function trustedIssuers(trustPolicy: Json): string[] {
  if (typeof trustPolicy !== 'object' || trustPolicy === null || Array.isArray(trustPolicy)) return [];
  const issuers = new Set<string>();
  for (const statement of asList(trustPolicy.Statement)) {
    if (typeof statement !== 'object' || statement === null || Array.isArray(statement)) continue;
    const principal = statement.Principal;
    if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) continue;
    for (const arn of asList(principal.Federated)) {
      const match = typeof arn === 'string' ? FEDERATED.exec(arn) : null;
      if (match) issuers.add(oidcProviderKey(match[1]));
    }
  }
  return [...issuers];
}

/**
 * Issuers that roles of `owner` trust but no cluster of the file has. `fileIssuers` are the issuers
 * (host/path) of every cluster in the file — used by bindings or not, Kubernetes managed or not.
 */
export function findRetiredIssuers(
  roles: readonly ObservedRole[],
  owner: string,
  fileIssuers: readonly string[],
): RetiredIssuer[] {
  const known = new Set(fileIssuers.map(oidcProviderKey));
  const ignoringCase = new Map([...known].map((issuer) => [issuer.toLowerCase(), issuer]));
  const byIssuer = new Map<string, Set<string>>();
  for (const role of roles) {
    if (!isOurs(role.tags, owner)) continue;
    for (const issuer of trustedIssuers(role.trustPolicy as Json)) {
      if (known.has(issuer)) continue;
      const names = byIssuer.get(issuer) ?? new Set<string>();
      names.add(role.name);
      byIssuer.set(issuer, names);
    }
  }
  return [...byIssuer.entries()]
    .map(([issuer, names]) => {
      const variant = ignoringCase.get(issuer.toLowerCase());
      return { issuer, roles: [...names].sort(), ...(variant ? { caseVariant: variant } : {}) };
    })
    .sort((a, b) => (a.issuer < b.issuer ? -1 : a.issuer > b.issuer ? 1 : 0));
}

const quoteList = (names: string[]): string => {
  const shown = names.slice(0, 3).map((n) => `"${n}"`);
  return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(', ');
};

/** The refusal: one positioned, two-step instruction per retired issuer. */
export function retiredIssuerMessage(retired: RetiredIssuer, clusters: SourceLocation): string {
  const where = `${clusters.file}:${clusters.line}:${clusters.col}`;
  const roleWord = retired.roles.length === 1 ? 'role' : 'roles';
  const variant = retired.caseVariant
    ? [
        `  The file has https://${retired.caseVariant}, which differs only in case: IAM provider URLs are case-sensitive, so that is`,
        `  another provider, and tokens carry the issuer exactly as the cluster publishes it. If the case change is a typo, write`,
        `  https://${retired.issuer} again; otherwise:`,
      ]
    : [];
  return [
    `${where}: no cluster in the file has the issuer https://${retired.issuer} any more, but our ${roleWord} ${quoteList(retired.roles)} still trust it.`,
    ...variant,
    '  The cluster behind it was removed from the file, so this plan cannot reach it: ServiceAccounts we created or annotated there',
    '  would be left behind, pointing at roles that no longer exist. Nothing was changed. Remove the cluster in two steps:',
    `    1. put the cluster back under \`clusters:\` with no binding naming it, e.g.`,
    `         old-cluster: {issuer: https://${retired.issuer}, kubernetes: {context: CONTEXT}}`,
    '       then plan and apply: our ServiceAccounts there are deleted (or lose our annotations), and the roles',
    '       and the OIDC provider stop trusting that issuer;',
    '    2. then delete the cluster entry.',
    '  If this file never managed ServiceAccounts on that cluster (or they are managed under another cluster key),',
    '  write `kubernetes: false` instead of the context in step 1.',
  ].join('\n');
}

/** Thrown by the plan pipeline when clusters left the file without being drained first. */
export class RetiredClusterError extends Error {
  readonly retired: RetiredIssuer[];
  constructor(retired: RetiredIssuer[], clusters: SourceLocation) {
    super(retired.map((r) => retiredIssuerMessage(r, clusters)).join('\n'));
    this.name = 'RetiredClusterError';
    this.retired = retired;
  }
}
