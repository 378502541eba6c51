// What a run produced, filled in as the run goes so the outputs are set on every path — also when a
// step throws halfway (the plan id and plan file known by then are still reported).
import * as core from '@actions/core';
import type { ApplyProgress } from '../render/apply-report.js';

export type Result = 'no-changes' | 'planned' | 'applied' | 'drift' | 'discovered' | 'failed';

export class Outcome {
  result: Result = 'failed';
  hasChanges = false;
  planId = '';
  /** e.g. `2 to add, 1 to change, 0 to destroy`, or what went wrong. */
  summary = '';
  /** Path of the JSON plan. */
  planJson = '';
  /** discover: the matrix JSON and how many files it holds. */
  matrix = '';
  fileCount = '';
  /** Apply mode: what the apply has done so far, for the report when the run times out. */
  applyProgress?: ApplyProgress;
  /** When set, the step fails with this message. */
  failure?: string;

  fail(message: string, summary = message.split('\n')[0]): this {
    this.result = 'failed';
    this.failure = message;
    if (!this.summary) this.summary = summary;
    return this;
  }

  setOutputs(): void {
    core.setOutput('result', this.result);
    core.setOutput('has-changes', String(this.hasChanges));
    core.setOutput('plan-id', this.planId);
    core.setOutput('summary', this.summary);
    core.setOutput('plan-json', this.planJson);
    core.setOutput('matrix', this.matrix);
    core.setOutput('file-count', this.fileCount);
  }
}
