// Which job this run does. `auto` follows the event: plan on pull requests, apply on pushes to the
// default branch, drift on schedule and workflow_dispatch. An explicit mode is taken as given (apply
// still refuses to run outside the default branch).
import type { RequestedMode } from './inputs.js';
import type { RunContext } from './run-context.js';

export type Mode = 'plan' | 'apply' | 'drift' | 'discover';

export interface ResolvedMode {
  mode: Mode;
  /** Why, for the log. */
  why: string;
}

const PLAN_EVENTS = new Set(['pull_request']);
const DRIFT_EVENTS = new Set(['schedule', 'workflow_dispatch']);

export function isDefaultBranchRef(context: RunContext): boolean {
  return context.defaultBranch !== undefined && context.ref === `refs/heads/${context.defaultBranch}`;
}

export function resolveMode(requested: RequestedMode, context: RunContext): ResolvedMode {
  const event = context.eventName;
  if (event === 'pull_request_target' && requested !== 'discover') {
    // pull_request_target runs the base branch's workflow with the base branch checked out by
    // default: a plan there would plan the base's file, not the pull request's, and checking out
    // the head would hand code from a fork a token with write access.
    throw new Error(
      "pull_request_target is not supported: it checks out the base branch, so the plan would show the base branch's bindings file, not the pull request's. Trigger the workflow on pull_request (fork pull requests then get no AWS credentials, which is the safe outcome).",
    );
  }
  if (requested !== 'auto') return { mode: requested, why: 'the mode input' };
  if (PLAN_EVENTS.has(event)) return { mode: 'plan', why: `auto: a ${event} event` };
  if (DRIFT_EVENTS.has(event)) return { mode: 'drift', why: `auto: a ${event} event` };
  if (event === 'push') {
    if (isDefaultBranchRef(context))
      return { mode: 'apply', why: `auto: a push to the default branch ${context.defaultBranch}` };
    return {
      mode: 'plan',
      why: `auto: a push to ${context.ref || 'an unknown ref'}, not the default branch (plan only)`,
    };
  }
  throw new Error(
    `mode "auto" does not know what to do on a "${event || 'unknown'}" event: it plans on pull_request, applies on push to the default branch and checks drift on schedule and workflow_dispatch. Set the mode input to plan, apply or drift.`,
  );
}
