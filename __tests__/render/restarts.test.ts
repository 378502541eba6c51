// "Workloads to restart" rendering: the copy-paste commands quote what the shell would split, and the
// Markdown table keeps a hostile kubeconfig context (pipes, backticks, HTML) inside its code span and
// its cell; restart outcomes replace the command after apply.
import { restartMarkdownLines, restartTextLines } from '../../src/render/restarts.js';
import type { RestartGroup } from '../../src/plan/types.js';

const group: RestartGroup = {
  address: 'service-account.prod/apps/orders',
  cluster: 'prod',
  namespace: 'apps',
  serviceAccount: 'orders',
  change: 'changed',
  context: "ops|<b>`it's`</b>",
  workloads: [
    { kind: 'Deployment', name: 'web' },
    { kind: 'Job', name: 'migrate' },
  ],
};

test('text: the context is shell-quoted; Jobs say they must be re-created', () => {
  expect(restartTextLines([group])).toEqual([
    'Workloads to restart:',
    '  Pods read the role annotation only when they start: these keep no role, or the old one, until restarted.',
    '  service-account.prod/apps/orders (role annotation changed):',
    `      deployment/web  kubectl --context 'ops|<b>\`it'\\''s\`</b>' -n apps rollout restart deployment/web`,
    '      job/migrate     must be re-created: a Job never replaces its running pods',
  ]);
});

test('Markdown: one row per workload, four cells each, the context inert in a code span', () => {
  const { head, rows } = restartMarkdownLines([group]);
  expect(head[0]).toBe('#### 🔄 Workloads to restart');
  expect(rows).toHaveLength(2);
  for (const row of rows) {
    // Cells split on pipes GFM does not see as escaped.
    expect(row.split(/(?<!\\)\|/)).toHaveLength(6);
    expect(row).not.toMatch(/(?<!`[^`]*)<b>/);
  }
  expect(rows[0]).toContain(
    "``kubectl --context 'ops\\|<b>`it'\\''s`</b>' -n apps rollout restart deployment/web``",
  );
});

test('after apply: restarted or failed with the command to run', () => {
  const results = [
    {
      address: group.address,
      cluster: 'prod',
      namespace: 'apps',
      kind: 'Deployment' as const,
      name: 'web',
      status: 'failed' as const,
      error: 'Kubernetes patch deployments "apps/web" (rollout restart) failed: 403',
    },
  ];
  const text = restartTextLines([{ ...group, context: 'prod' }], results);
  expect(text).toContain(
    '      deployment/web  restart failed: Kubernetes patch deployments "apps/web" (rollout restart) failed: 403 — run: kubectl --context prod -n apps rollout restart deployment/web',
  );
  const ok = restartMarkdownLines([{ ...group, context: 'prod' }], [{ ...results[0], status: 'restarted' }]);
  expect(ok.rows[0]).toContain('| ✅ restarted |');
});
