// What apply reports: one result per planned change, a Terraform-like summary, and progress events
// the CLI and the action can log while the apply runs.
import type { ChangeAction, ResourceKind } from '../plan/types.js';
import type { WorkloadKind } from '../observed/types.js';
import type { ApplyError } from '../support/step-error.js';

export type { ApplyError };

export type ApplyStatus = 'ok' | 'failed' | 'skipped';

export interface ApplyChangeResult {
  address: string;
  kind: ResourceKind;
  action: ChangeAction;
  status: ApplyStatus;
  error?: ApplyError;
  /** Why a change was skipped; for done changes, the plan's reason (e.g. why a role was replaced). */
  reason?: string;
  /**
   * A failed create (or replace) whose resource was created before a later step failed: it exists
   * but is not finished ("created, incomplete"); the next plan shows what is left.
   */
  incomplete?: true;
  /**
   * A create that found its resource already there: another apply of the same file got there first
   * (the CLI takes no lock). Not counted as added; `reason` says when this run still finished it.
   */
  alreadyDone?: true;
}

export interface ApplySummary {
  added: number;
  changed: number;
  destroyed: number;
  failed: number;
  skipped: number;
  /** Failed creates whose resource exists but is unfinished; also counted in `added` and `failed`. */
  incomplete?: number;
  /** Creates another run had already done (see ApplyChangeResult.alreadyDone); not in `added`. */
  alreadyDone?: number;
}

export interface ApplyReport {
  /** In plan order. */
  changes: ApplyChangeResult[];
  summary: ApplySummary;
  /** True when every change was applied. */
  ok: boolean;
  /** Rollout restarts done after the changes (`restart: rollout`), in the plan's restart order. */
  restarts?: RestartResult[];
}

/** One rollout restart after apply: the workload's pod template got a new restartedAt annotation. */
export interface RestartResult {
  /** The ServiceAccount change that called for it. */
  address: string;
  cluster: string;
  namespace: string;
  kind: WorkloadKind;
  name: string;
  status: 'restarted' | 'failed';
  /** The call's failure, in words (no credentials). */
  error?: string;
}

/** The report of a plan without changes: nothing to run. */
export function emptyApplyReport(): ApplyReport {
  return { changes: [], summary: { added: 0, changed: 0, destroyed: 0, failed: 0, skipped: 0 }, ok: true };
}

export type ApplyEvent =
  | { type: 'started'; address: string; action: ChangeAction }
  | { type: 'finished'; result: ApplyChangeResult }
  | {
      type: 'retry';
      address: string;
      call: string;
      resource: string;
      attempt: number;
      delayMs: number;
      why: string;
    };
