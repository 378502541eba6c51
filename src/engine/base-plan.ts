// The base branch's plan, for drift labels: the base file compiled and diffed against the state
// the head plan just read (no second read of IAM or the clusters). A change both plans make is
// drift; one only the head plan makes comes from the pull request.
import { hasErrors } from '../bindings/diagnostics.js';
import { loadBindingsText } from '../bindings/load.js';
import { compileDesiredState } from '../desired/compile.js';
import { driftLabels, type DriftLabels } from '../plan/drift.js';
import { buildPlan } from '../plan/plan.js';
import type { PlanRun } from './plan.js';
import { resolveClusters } from './resolve-clusters.js';
import type { Session } from './session.js';

/** The bindings file as the base branch has it; `text: undefined` when it did not exist there. */
export interface BaseBindings {
  text: string | undefined;
  /** Where it came from, for messages (`main:workload-identity.yaml`, a path). */
  source: string;
}

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
