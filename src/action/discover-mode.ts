// Discover mode: the repository's bindings files as a matrix for the plan, apply and drift jobs of
// the reusable workflow. Needs no AWS credentials. Problems become annotations on the files.
import * as core from '@actions/core';
import { discoverRepository, DEFAULT_DISCOVER_PATTERN } from '../engine/discover.js';
import { matrixJson } from '../fleet/discover.js';
import { escapeText, inlineCode, tableCell } from '../render/escape.js';
import type { Outcome } from './outcome.js';
import type { Runtime } from './runtime.js';
import { writeJobSummary } from './summary.js';

export async function discoverMode(rt: Runtime, outcome: Outcome): Promise<void> {
  const patterns = rt.inputs.bindingsFiles.length ? rt.inputs.bindingsFiles : [DEFAULT_DISCOVER_PATTERN];
  const found = await discoverRepository({
    root: '.',
    patterns,
    // A push that creates a branch has no previous commit (all zeros): every file.
    changedFrom: /^0*$/.test(rt.inputs.changedFrom) ? undefined : rt.inputs.changedFrom,
    planRoleTemplate: rt.inputs.planRoleArn,
    applyRoleTemplate: rt.inputs.applyRoleArn,
  });
  for (const d of found.diagnostics)
    core.error(d.message, {
      file: d.file,
      startLine: d.line,
      startColumn: d.col,
      title: 'workload-identity discover',
    });
  for (const p of found.problems) core.error(p, { title: 'workload-identity discover' });
  const problems = found.diagnostics.length + found.problems.length;
  if (problems > 0) {
    outcome.fail(
      `Discovery found ${problems} problem${problems === 1 ? '' : 's'} in ${found.files.length} bindings file${found.files.length === 1 ? '' : 's'} (see the annotations); no file is planned or applied until they are fixed.`,
    );
    return;
  }
  outcome.result = 'discovered';
  outcome.matrix = matrixJson(found.entries);
  outcome.fileCount = String(found.entries.length);
  outcome.summary = `${found.entries.length} of ${found.files.length} bindings files`;
  const rows = found.entries.map(
    (e) =>
      `| ${tableCell(inlineCode(e.path))} | ${tableCell(inlineCode(e.owner))} | ${e.accountId ?? '(from credentials)'} |`,
  );
  await writeJobSummary(
    [
      `### workload-identity-bindings: ${escapeText(outcome.summary)}${rt.inputs.changedFrom ? ` changed since ${inlineCode(rt.inputs.changedFrom)}` : ''}`,
      '',
      ...(rows.length
        ? ['| File | Owner | AWS account |', '| --- | --- | --- |', ...rows]
        : ['No bindings file to plan or apply.']),
      '',
    ].join('\n'),
  );
}
