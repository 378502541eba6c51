// Checks, before anything is applied, that the managed policies a plan will attach exist: one
// GetPolicy per distinct ARN, concurrently. AWS managed policies are the same for every account and
// run, so their answers are kept in a cache the caller owns (one per run). Only when an ARN is
// missing are the account's policy names listed, to suggest the one that was probably meant.
import { GetPolicyCommand, paginateListPolicies, type IAMClient } from '@aws-sdk/client-iam';
import { closest } from '../support/suggest.js';
import { DEFAULT_CONCURRENCY, mapWithConcurrency, type CallObserver } from '../support/concurrency.js';
import { iamCallError, isNoSuchEntity } from './errors.js';

export interface MissingManagedPolicy {
  arn: string;
  /** The closest existing policy ARN of the same scope (AWS managed or this account), if one is close. */
  suggestion?: string;
}

/** Existence answers by ARN, shared by the plans of one run. */
export type ManagedPolicyCache = Map<string, Promise<boolean>>;

export interface ManagedPolicyCheckOptions {
  concurrency?: number;
  onCall?: CallObserver;
  /** Answers for AWS managed policies (`arn:aws:iam::aws:policy/…`) are kept here. */
  cache?: ManagedPolicyCache;
}

const isAwsManaged = (arn: string): boolean => /^arn:[^:]+:iam::aws:policy\//.test(arn);
const nameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

async function exists(iam: IAMClient, arn: string, onCall: CallObserver): Promise<boolean> {
  onCall('GetPolicy');
  try {
    await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    return true;
  } catch (error) {
    if (isNoSuchEntity(error)) return false;
    throw iamCallError('GetPolicy', arn, error);
  }
}

async function policyArns(iam: IAMClient, scope: 'AWS' | 'Local', onCall: CallObserver): Promise<string[]> {
  const arns: string[] = [];
  try {
    for await (const page of paginateListPolicies({ client: iam }, { Scope: scope })) {
      onCall('ListPolicies');
      for (const policy of page.Policies ?? []) if (policy.Arn) arns.push(policy.Arn);
    }
  } catch {
    // The suggestion is a courtesy: without iam:ListPolicies the missing ARN is still reported.
    return [];
  }
  return arns;
}

export async function checkManagedPolicies(
  iam: IAMClient,
  arns: readonly string[],
  options: ManagedPolicyCheckOptions = {},
): Promise<MissingManagedPolicy[]> {
  const onCall = options.onCall ?? (() => undefined);
  const distinct = [...new Set(arns)].sort();
  const found = await mapWithConcurrency(distinct, options.concurrency ?? DEFAULT_CONCURRENCY, (arn) => {
    if (!isAwsManaged(arn) || !options.cache) return exists(iam, arn, onCall);
    let answer = options.cache.get(arn);
    if (!answer) {
      answer = exists(iam, arn, onCall);
      options.cache.set(arn, answer);
      // A failed call is not an answer: the next plan of the run asks again.
      answer.catch(() => options.cache?.delete(arn));
    }
    return answer;
  });
  const missing = distinct.filter((_, i) => !found[i]);
  if (missing.length === 0) return [];

  const known = new Map<'AWS' | 'Local', Promise<string[]>>();
  const candidates = (scope: 'AWS' | 'Local'): Promise<string[]> => {
    let list = known.get(scope);
    if (!list) {
      list = policyArns(iam, scope, onCall);
      known.set(scope, list);
    }
    return list;
  };
  return Promise.all(
    missing.map(async (arn): Promise<MissingManagedPolicy> => {
      const scope = isAwsManaged(arn) ? 'AWS' : 'Local';
      const existing = await candidates(scope);
      const byName = new Map(existing.map((a) => [nameOf(a), a]));
      const name = closest(nameOf(arn), [...byName.keys()]);
      const suggestion = name === undefined ? undefined : byName.get(name);
      return suggestion && suggestion !== arn ? { arn, suggestion } : { arn };
    }),
  );
}
