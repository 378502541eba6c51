// The base branch's bindings file, used twice: to refuse a plan that drops a cluster key whose
// ServiceAccounts nothing would reach any more (a comparison of the two files, before any service is
// read), and for drift labels: the base file compiled and diffed against the state the head plan
// just read (no second read of IAM or the clusters). A change both plans make is drift; one only the
// head plan makes comes from the pull request.
import { hasErrors } from '../bindings/diagnostics.js';
import { loadBindingsText } from '../bindings/load.js';
import { compileDesiredState } from '../desired/compile.js';
import { driftLabels, type DriftLabels } from '../plan/drift.js';
import { buildPlan } from '../plan/plan.js';
import { findRemovedClusters, RemovedClusterError } from '../plan/removed-clusters.js';
import type { BindingsFile } from '../bindings/types.js';
import type { PlanRun } from './plan.js';
import { resolveClusters } from './resolve-clusters.js';
import type { Session } from './session.js';

/** The bindings file as the base branch has it; `text: undefined` when it did not exist there. */
export interface BaseBindings {
  text: string | undefined;
  /** Where it came from, for messages (`main:workload-identity.yaml`, a path). */
  source: string;
}

/**
 * Throws RemovedClusterError when `head` lacks a cluster key of the base file that still had
 * ServiceAccounts bound and that no key of `head` reaches. Returns a problem in words when the base
 * file cannot be read as a bindings file (then nothing can be told); undefined otherwise.
 */
export function refuseRemovedClusters(head: BindingsFile, base: BaseBindings): string | undefined {
  if (base.text === undefined) return undefined; // the change adds the file
  const loaded = loadBindingsText(base.text, base.source);
  if (!loaded.file || hasErrors(loaded.diagnostics))
    return `the base bindings file (${base.source}) is not valid, so cluster keys removed from the file cannot be detected`;
  const removed = findRemovedClusters(loaded.file, head);
  if (removed.length)
    throw new RemovedClusterError(
      removed,
      head.clustersLocation ?? { file: head.path, line: 1, col: 1 },
      base.source,
    );
  return undefined;
}

/** Said once on a plan without a base file: what only the base file can reveal. */
export const NO_BASE_NOTE =
  'Note: no base bindings file was given (--base-file FILE or --base-ref REF), so a cluster key removed from this file while another key still uses its issuer cannot be detected: its ServiceAccounts would be left behind. Plan with --base-ref origin/main (or your base branch) to check.';

export type BaseLabels = { labels: DriftLabels } | { labels?: undefined; problem: string };

export async function labelDrift(session: Session, run: PlanRun, base: BaseBindings): Promise<BaseLabels> {
  // A file new in the pull request: every change is the pull request's.
  if (base.text === undefined) return { labels: driftLabels(run.plan, undefined) };
  const loaded = loadBindingsText(base.text, base.source);
  if (!loaded.file || hasErrors(loaded.diagnostics)) {
    return {
      problem: `the base bindings file (${base.source}) is not valid, so changes are not labelled as drift`,
    };
  }
  const resolved = await resolveClusters(loaded.file, session.controlPlane);
  const desired = compileDesiredState(loaded.file, {
    accountId: run.plan.accountId,
    clusters: resolved.clusters,
  });
  const { plan } = buildPlan({
    desired,
    observed: run.observed,
    bindingsFile: base.source,
    trustPolicySizeLimit: loaded.file.aws.trustPolicySizeLimit,
  });
  return { labels: driftLabels(run.plan, plan) };
}
