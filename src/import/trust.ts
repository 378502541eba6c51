// Reads an existing role's trust policy back into what a bindings file can say: which
// ServiceAccounts of which issuers (with which audience) may assume it. Anything the file format
// cannot express exactly is refused with the reason, never guessed: a Deny, another principal or
// action, a condition other than `:sub`/`:aud`, or `:sub` limited by StringEquals and StringLike at
// once (IAM ANDs operators, so that admits only their intersection). Pure: no I/O.
import type { Json, PolicyDocument } from '../policy/types.js';
import { isObject } from '../support/json.js';

export interface TrustedIssuer {
  /** As in the Federated ARN: `host/path`, no scheme. */
  hostPath: string;
  /** The account of the OIDC provider ARN. */
  accountId: string;
  subjects: Array<{ namespace: string; name: string }>;
  /** `:aud` values; empty when the policy does not check the audience. */
  audiences: string[];
}

export type TrustReading = { ok: true; issuers: TrustedIssuer[] } | { ok: false; reason: string };

const FEDERATED = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):oidc-provider\/(.+)$/;
const SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;
const WEB_IDENTITY = 'sts:assumerolewithwebidentity';

function strings(value: Json | undefined): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

export function readTrustPolicy(doc: PolicyDocument): TrustReading {
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const byIssuer = new Map<string, TrustedIssuer>();
  for (const [i, raw] of list.entries()) {
    const where = `trust statement ${i + 1}`;
    if (!isObject(raw)) return { ok: false, reason: `${where} is not an object` };
    const keys = Object.keys(raw).filter((k) => k !== 'Sid');
    const extra = keys.filter((k) => !['Effect', 'Principal', 'Action', 'Condition'].includes(k));
    if (extra.length) return { ok: false, reason: `${where} uses ${extra.join(', ')}` };
    if (raw.Effect !== 'Allow') return { ok: false, reason: `${where} is a ${String(raw.Effect)} statement` };
    const actions = strings(raw.Action);
    if (!actions || actions.some((a) => a.toLowerCase() !== WEB_IDENTITY))
      return {
        ok: false,
        reason: `${where} allows ${JSON.stringify(raw.Action)}, not only sts:AssumeRoleWithWebIdentity`,
      };
    const principal = raw.Principal;
    if (!isObject(principal) || Object.keys(principal).some((k) => k !== 'Federated'))
      return { ok: false, reason: `${where} has a principal other than one OIDC provider` };
    const federated = strings(principal.Federated);
    const match = federated?.length === 1 ? FEDERATED.exec(federated[0]) : null;
    if (!match) return { ok: false, reason: `${where} does not federate to exactly one OIDC provider` };
    const [, accountId, hostPath] = match;
    const read = readConditions(raw.Condition, hostPath, where);
    if (!read.ok) return read;
    const issuer = byIssuer.get(hostPath) ?? { hostPath, accountId, subjects: [], audiences: [] };
    // Several statements for one issuer admit the union of their subjects.
    for (const s of read.subjects)
      if (!issuer.subjects.some((t) => t.namespace === s.namespace && t.name === s.name))
        issuer.subjects.push(s);
    for (const a of read.audiences) if (!issuer.audiences.includes(a)) issuer.audiences.push(a);
    byIssuer.set(hostPath, issuer);
  }
  if (byIssuer.size === 0) return { ok: false, reason: 'the trust policy has no statement' };
  return { ok: true, issuers: [...byIssuer.values()] };
}

function readConditions(
  condition: Json | undefined,
  hostPath: string,
  where: string,
):
  | { ok: true; subjects: Array<{ namespace: string; name: string }>; audiences: string[] }
  | { ok: false; reason: string } {
  if (!isObject(condition))
    return {
      ok: false,
      reason: `${where} has no condition on ${hostPath}:sub: any ServiceAccount of the cluster may assume it`,
    };
  let subs: { values: string[]; like: boolean } | undefined;
  let audiences: string[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (operator !== 'StringEquals' && operator !== 'StringLike')
      return { ok: false, reason: `${where} uses the condition operator ${operator}` };
    if (!isObject(block)) return { ok: false, reason: `${where}: ${operator} is not a map` };
    for (const [key, value] of Object.entries(block)) {
      const values = strings(value);
      if (!values)
        return { ok: false, reason: `${where}: ${operator} ${key} is not a string or list of strings` };
      if (key === `${hostPath}:sub`) {
        if (subs)
          return {
            ok: false,
            reason: `${where} limits ${key} with both StringEquals and StringLike (IAM requires both: only their intersection is admitted)`,
          };
        subs = { values, like: operator === 'StringLike' };
      } else if (key === `${hostPath}:aud`) {
        if (operator === 'StringLike' && values.some((v) => /[*?]/.test(v)))
          return { ok: false, reason: `${where} matches ${key} with a wildcard` };
        audiences = values;
      } else {
        return {
          ok: false,
          reason: `${where} has a condition on ${key}, which a bindings file cannot express`,
        };
      }
    }
  }
  if (!subs)
    return {
      ok: false,
      reason: `${where} has no condition on ${hostPath}:sub: any ServiceAccount of the cluster may assume it`,
    };
  const subjects: Array<{ namespace: string; name: string }> = [];
  for (const value of subs.values) {
    const m = SUBJECT.exec(value);
    if (!m)
      return {
        ok: false,
        reason: `${where}: "${value}" is not a system:serviceaccount:NAMESPACE:NAME subject`,
      };
    if (!subs.like && /[*?]/.test(value))
      return {
        ok: false,
        reason: `${where}: StringEquals compares "${value}" literally (no ServiceAccount has * or ? in its name)`,
      };
    subjects.push({ namespace: m[1], name: m[2] });
  }
  return { ok: true, subjects, audiences };
}
