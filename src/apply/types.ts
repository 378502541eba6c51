// What apply reports: one result per planned change, a Terraform-like summary, and progress events
// the CLI and the action can log while the apply runs.
import type { ChangeAction, ResourceKind } from '../plan/types.js';

export type ApplyStatus = 'ok' | 'failed' | 'skipped';

/** The service call that failed, named the way the service names it. */
export interface ApplyError {
  /** e.g. `AttachRolePolicy`, `patch serviceaccount (server-side apply)`. */
  call: string;
  /** What the call acted on, e.g. `role s3-reader, policy arn:aws:iam::aws:policy/X`, `prod/default/app`. */
  resource: string;
  /** The service's error code (`NoSuchEntity`, `409 Conflict`, …) when it gave one. */
  code?: string;
  message: string;
}

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
}

export interface ApplySummary {
  added: number;
  changed: number;
  destroyed: number;
  failed: number;
  skipped: number;
  /** Failed creates whose resource exists but is unfinished; also counted in `added` and `failed`. */
  incomplete?: number;
}

export interface ApplyReport {
  /** In plan order. */
  changes: ApplyChangeResult[];
  summary: ApplySummary;
  /** True when every change was applied. */
  ok: boolean;
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
