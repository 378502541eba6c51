// Guardrails in the action: load the rules (and, on pull requests, the base version from git to
// call out relaxations), then judge the planned file. Violations become annotations on the binding's
// file:line:col; an invalid guardrails file is published like an invalid bindings file.
import * as core from '@actions/core';
import {
  InvalidGuardrailsError,
  judge,
  prepareGuardrails,
  type LoadedGuardrails,
} from '../guardrails/check.js';
import { guardrailsCandidates } from '../guardrails/load.js';
import type { GuardrailsReport } from '../guardrails/types.js';
import type { PlanRun } from '../engine/plan.js';
import { renderValidationMarkdown } from '../render/markdown.js';
import { renderGuardrailsText } from '../render/guardrails.js';
import { annotate, outsideWorkspace } from './bindings.js';
import { readBaseGuardrails } from '../git/guardrails-base.js';
import type { Outcome } from './outcome.js';
import type { Publish } from './plan-step.js';
import type { Runtime } from './runtime.js';

export async function loadGuardrailsOrReport(
  rt: Runtime,
  outcome: Outcome,
  headSha: string | undefined,
  publish: Publish,
  options: { compareWithBase: boolean },
): Promise<LoadedGuardrails | undefined> {
  const { bindingsFile, guardrailsFile, strict } = rt.inputs;
  let base;
  if (options.compareWithBase && rt.context.pullRequest) {
    const paths = guardrailsFile ? [guardrailsFile] : guardrailsCandidates(bindingsFile);
    const lookup = await readBaseGuardrails(paths, {
      cwd: process.cwd(),
      baseSha: rt.context.pullRequest.baseSha,
    });
    if (lookup.found) base = lookup.base;
    else core.warning(`Guardrails changes are not compared with the base branch: ${lookup.why}.`);
  }
  try {
    // Like the bindings file: a guardrails file that resolves outside the workspace (a symlink a
    // pull request added) is refused before it is read.
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    for (const path of guardrailsFile ? [guardrailsFile] : guardrailsCandidates(bindingsFile)) {
      const outside = await outsideWorkspace(path, workspace);
      if (outside)
        throw new InvalidGuardrailsError([
          { severity: 'error', file: path, line: 0, col: 0, message: outside },
        ]);
    }
    const loaded = await prepareGuardrails(
      { bindingsPath: bindingsFile, guardrailsPath: guardrailsFile, strict },
      base,
    );
    annotate(loaded.diagnostics, 'guardrails file');
    core.info(
      loaded.guardrails.path
        ? `Guardrails: ${loaded.guardrails.path} (${loaded.guardrails.rules.length} rules${strict ? ', strict' : ''}).`
        : `Guardrails: no guardrails file, the built-in defaults apply${strict ? ' (strict)' : ''}.`,
    );
    return loaded;
  } catch (error) {
    if (!(error instanceof InvalidGuardrailsError)) throw error;
    annotate(error.diagnostics, 'guardrails file');
    const file = error.diagnostics[0]?.file ?? guardrailsFile ?? 'the guardrails file';
    await publish(renderValidationMarkdown(error.diagnostics, { bindingsFile: file, headSha }));
    const n = error.diagnostics.filter((d) => d.severity === 'error').length;
    outcome.fail(
      `${file} has ${n} problem${n === 1 ? '' : 's'} (see the annotations); nothing was planned or changed.`,
      'invalid guardrails file',
    );
    return undefined;
  }
}

/** Judges the planned file, annotates every violation and logs the section. */
export function judgeGuardrails(rt: Runtime, loaded: LoadedGuardrails, run: PlanRun): GuardrailsReport {
  const resolvedIssuers = new Map(run.desired.clusters.map((c) => [c.key, c.issuer]));
  const report = judge(loaded, run.file, { strict: rt.inputs.strict, resolvedIssuers });
  for (const v of report.violations) {
    const where = v.ruleAt ? `${v.ruleAt.file}:${v.ruleAt.line}:${v.ruleAt.col}` : 'a built-in default';
    const properties = {
      file: v.at.file,
      startLine: v.at.line,
      startColumn: v.at.col,
      title: `Guardrail ${v.rule}`,
    };
    const message = `${v.message} (rule: ${where})`;
    if (v.severity === 'error') core.error(message, properties);
    else core.warning(message, properties);
  }
  for (const c of loaded.changes)
    if (c.kind === 'relaxed') {
      const properties = c.at ? { file: c.at.file, startLine: c.at.line, startColumn: c.at.col } : {};
      core.warning(`guardrails change: rule ${c.rule} relaxed: ${c.detail}`, {
        ...properties,
        title: 'Guardrails relaxed',
      });
    }
  const section = renderGuardrailsText(report, loaded.changes);
  if (section) core.info(section);
  return report;
}
