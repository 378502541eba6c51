// "Workloads to restart" in text and Markdown, for the plan and the apply result: per changed
// ServiceAccount, the workloads running as it and what to do for each (a copy-paste
// `kubectl rollout restart` line, or why none is needed or possible). After apply, restarts done
// by `restart: rollout` are shown with their outcome instead of the command.
import type { RestartResult } from '../apply/types.js';
import { restartInstruction, ROLE_ARN_CHANGE_TEXT, workloadName } from '../plan/restarts.js';
import type { RestartGroup } from '../plan/types.js';
import { escapeProse, inlineCode, tableCell } from './escape.js';

export const RESTARTS_INTRO =
  'Pods read the role annotation only when they start: these keep no role, or the old one, until restarted.';

const key = (cluster: string, namespace: string, name: string): string => `${cluster}/${namespace}/${name}`;

function outcomes(results: readonly RestartResult[] | undefined): Map<string, RestartResult> {
  return new Map((results ?? []).map((r) => [key(r.cluster, r.namespace, workloadName(r)), r]));
}

function groupHead(group: RestartGroup): string {
  const mode = group.restart === 'rollout' ? '; restart: rollout' : '';
  return `${group.address} (${ROLE_ARN_CHANGE_TEXT[group.change]}${mode})`;
}

interface RestartRow {
  group: RestartGroup;
  name: string;
  /** What apply's `restart: rollout` did, when it ran. */
  result: RestartResult | undefined;
  command: string | undefined;
  note: string | undefined;
}

/** Each workload of each group with its instruction and outcome: what both renderers show. */
function restartRows(group: RestartGroup, done: Map<string, RestartResult>): RestartRow[] {
  return group.workloads.map((workload) => {
    const name = workloadName(workload);
    const { command, note } = restartInstruction(group, workload);
    return { group, name, result: done.get(key(group.cluster, group.namespace, name)), command, note };
  });
}

/** Text lines (no trailing blank line); empty when there is nothing to restart. */
export function restartTextLines(
  groups: readonly RestartGroup[] | undefined,
  results?: readonly RestartResult[],
): string[] {
  if (!groups?.length) return [];
  const done = outcomes(results);
  const out = ['Workloads to restart:', `  ${RESTARTS_INTRO}`];
  for (const group of groups) {
    out.push(`  ${groupHead(group)}:`);
    const width = Math.max(...group.workloads.map((w) => workloadName(w).length));
    for (const { name, result, command, note } of restartRows(group, done)) {
      const what = result
        ? result.status === 'restarted'
          ? 'restarted (kubectl.kubernetes.io/restartedAt set)'
          : `restart failed: ${result.error ?? 'unknown error'} — run: ${command ?? ''}`
        : (command ?? note ?? '');
      out.push(`      ${name.padEnd(width)}  ${what}`);
    }
  }
  return out;
}

/** The Markdown section (heading, intro, table); empty when there is nothing to restart. */
export function restartMarkdownLines(
  groups: readonly RestartGroup[] | undefined,
  results?: readonly RestartResult[],
): { head: string[]; rows: string[] } {
  if (!groups?.length) return { head: [], rows: [] };
  const done = outcomes(results);
  const rows: string[] = [];
  for (const group of groups) {
    for (const { name, result, command, note } of restartRows(group, done)) {
      const what = result
        ? result.status === 'restarted'
          ? '✅ restarted'
          : `❌ ${escapeProse(result.error ?? 'failed')}; run ${inlineCode(command ?? '')}`
        : command
          ? inlineCode(command)
          : escapeProse(note ?? '');
      const change = escapeProse(
        ROLE_ARN_CHANGE_TEXT[group.change] + (group.restart === 'rollout' ? '; restart: rollout' : ''),
      );
      rows.push(
        `| ${[inlineCode(group.address), change, inlineCode(name), what].map(tableCell).join(' | ')} |`,
      );
    }
  }
  return {
    head: [
      '#### 🔄 Workloads to restart',
      '',
      escapeProse(RESTARTS_INTRO),
      '',
      '| ServiceAccount | Change | Workload | Restart |',
      '|---|---|---|---|',
    ],
    rows,
  };
}
