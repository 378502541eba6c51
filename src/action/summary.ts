// The job summary: every run writes its plan, apply result or failure there, including runs whose
// token cannot comment. GitHub caps a step's summary at 1 MiB.
import * as core from '@actions/core';

/** Characters the job summary Markdown may use (GitHub's limit is 1 MiB per step). */
export const SUMMARY_BUDGET = 900_000;

export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('No job summary file (GITHUB_STEP_SUMMARY is not set); the Markdown follows in the log.');
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown, true).write();
}
