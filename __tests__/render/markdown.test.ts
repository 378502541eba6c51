// The Markdown renderers: structure reviewers rely on, escaping of every user-controlled string, and
// truncation at the budget. Plans come from real bindings files through the loader, compiler and diff.
import { bindingsYaml, planFor, S3_READER } from '../action/plan-fixtures.js';
import type { ApplyReport } from '../../src/apply/types.js';
import type { Diagnostic } from '../../src/bindings/diagnostics.js';
import type { ObservedRole } from '../../src/observed/types.js';
import { OWNER_TAG } from '../../src/support/ownership.js';
import {
  codeBlock,
  escapeHtml,
  escapeProse,
  escapeText,
  inlineCode,
  tableCell,
} from '../../src/render/escape.js';
import {
  renderApplyMarkdown,
  renderConflictsMarkdown,
  renderPlanMarkdown,
  renderPlanMarkdownDocument,
  renderStalePlanMarkdown,
  renderValidationMarkdown,
} from '../../src/render/markdown.js';
import { mermaidLabel, renderBindingGraph } from '../../src/render/mermaid.js';

const CTX = { bindingsFile: 'workload-identity.yaml', headSha: 'abcdef1234567890abcdef1234567890abcdef12' };

/** Lines inside fenced code blocks removed: what GitHub parses as Markdown/HTML. */
function outsideCode(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const match = /^(`{3,})/.exec(line);
    if (fence === undefined && match) fence = match[1];
    else if (fence !== undefined && line === fence) fence = undefined;
    else if (fence === undefined) out.push(line);
  }
  expect(fence).toBeUndefined();
  return out.join('\n');
}

/** Code spans removed too: what remains must not contain raw HTML, mentions or links. */
function prose(markdown: string): string {
  return outsideCode(markdown).replace(/(`+)(?:(?!\1).)*?\1/g, '');
}

function existingRole(name: string, over: Partial<ObservedRole> = {}): ObservedRole {
  return {
    name,
    path: '/workload-identity/',
    arn: `arn:aws:iam::123456789012:role/workload-identity/${name}`,
    description: 'Reads the assets bucket',
    maxSessionDuration: 3600,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'oidc.example.com/id/ABC:aud': 'sts.amazonaws.com',
              'oidc.example.com/id/ABC:sub': 'system:serviceaccount:default:app',
            },
          },
        },
      ],
    },
    managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
    inlinePolicies: {
      'read-assets': {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::assets/*' }],
      },
    },
    tags: { [OWNER_TAG]: 'acme/platform-iam' },
    ...over,
  };
}

describe('escaping', () => {
  test.each([
    ['<script>alert(1)</script>', '<script'],
    ['</details><img src=x onerror=alert(1)>', '</details>'],
    ['[x](javascript:alert(1))', '](javascript'],
    ['@org/team and @octocat', '@org'],
    ['**bold** _em_ # heading', '**bold**'],
  ])('escapeText(%j) renders inert', (hostile, raw) => {
    const escaped = escapeText(hostile);
    expect(escaped).not.toContain(raw);
    expect(escaped).not.toMatch(/@[A-Za-z]/);
    expect(escaped).not.toMatch(/[\r\n]/);
  });

  test('mentions get a zero-width joiner, so GitHub does not ping', () => {
    expect(escapeText('ping @org/team')).toBe('ping @\u200Dorg/team');
    expect(escapeHtml('@octocat <b>')).toBe('@\u200Doctocat &lt;b&gt;');
  });

  test('code spans and blocks use a longer backtick run than the content', () => {
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('```')).toBe('```` ``` ````');
    expect(inlineCode('line\nbreak')).toBe('`line break`');
    const block = codeBlock('before\n````\nafter', 'diff');
    expect(block.startsWith('`````diff\n')).toBe(true);
    expect(block.endsWith('\n`````')).toBe(true);
  });

  test('table cells escape every pipe, also inside code spans', () => {
    expect(tableCell(inlineCode('a|b'))).toBe('`a\\|b`');
    expect(tableCell(escapeText('x | y'))).toBe('x \\\\| y');
  });

  test('messages keep their `code` parts as code spans and escape the rest', () => {
    expect(escapeProse('set `adopt: true` on <b>')).toBe('set `adopt: true` on &lt;b&gt;');
    expect(escapeProse('`@team`')).toBe('`@team`');
  });

  test('Mermaid labels are quoted-safe and cannot open new nodes or edges', () => {
    const label = mermaidLabel('x"]-->evil["#<b>`');
    expect(label).toBe('x#quot;]--#gt;evil[#quot;#35;#lt;b#gt;#96;');
    expect(label).not.toContain('"');
  });
});

describe('renderPlanMarkdown', () => {
  test('a new binding: status, summary, broadening first, details and graph, footer', async () => {
    const plan = await planFor(bindingsYaml(S3_READER));
    const md = renderPlanMarkdown(plan, CTX);
    const lines = md.split('\n');
    expect(lines[0]).toBe('### 📝 workload-identity-bindings: 3 changes for `workload-identity.yaml`');
    expect(md).toContain('**Plan:** 3 to add, 0 to change, 0 to destroy.');
    const banner = md.indexOf('> [!WARNING]');
    const roleRow = md.indexOf('| `+` | role | `role.s3-reader` | ⚠️ broadens access');
    const other = md.indexOf('#### Other changes');
    const saRow = md.indexOf(
      '| `+` | service-account | `service-account.prod/default/app` | assumes `s3-reader` |',
    );
    expect(banner).toBeGreaterThan(0);
    expect(roleRow).toBeGreaterThan(banner);
    expect(other).toBeGreaterThan(roleRow);
    expect(saRow).toBeGreaterThan(other);
    // Diff markers in column 0, inside a diff fence.
    expect(md).toContain('```diff\n+ path = "/workload-identity/"');
    expect(md).toContain('@@ trustPolicy (broadens access) @@\n+{');
    // The new trust policy whole, as apply sends it: one subject stays a string.
    expect(md).toMatch(/^\+ {10}"oidc\.example\.com\/id\/ABC:sub": "system:serviceaccount:default:app"$/m);
    expect(md).toContain('```mermaid\nflowchart LR\n');
    expect(md).toMatch(/n\d+\(\["SA prod\/default\/app \(new\)"\]\) --> n\d+|n\d+ --> n\d+/);
    expect(lines.at(-2)).toMatch(
      /^<sub>plan `[0-9a-f]{16}` · head `abcdef123456` · owner `acme\/platform-iam`/,
    );
    expect(outsideCode(md)).not.toMatch(/<(?!\/?(details|summary|sub|code)\b)/);
  });

  test('adding one subject is exactly one added line in the trust policy diff, no comma churn', async () => {
    const yaml = bindingsYaml(
      S3_READER.replace(
        'name: app }',
        'name: app }\n      - { cluster: prod, namespace: default, name: worker }',
      ),
    );
    const plan = await planFor(yaml, { roles: [existingRole('s3-reader')], oidcProviders: [], clusters: [] });
    const md = renderPlanMarkdown(plan, CTX);
    expect(md).toContain('| `~` | role | `role.s3-reader` | ⚠️ broadens access: `trustPolicy` |');
    // Was: the neighbour removed and re-added for its trailing comma (`-"…:app"` / `+"…:app",`).
    const block = md.slice(md.indexOf('@@ trustPolicy (broadens access) @@'));
    const diff = block.slice(0, block.indexOf('```')).split('\n').slice(1, -1);
    expect(diff.filter((l) => l.startsWith('+'))).toEqual([
      '+            "system:serviceaccount:default:worker"',
    ]);
    expect(diff.filter((l) => l.startsWith('-'))).toEqual([]);
    expect(diff).toContain('             "system:serviceaccount:default:app",');
  });

  test('no changes', async () => {
    const plan = await planFor(bindingsYaml(S3_READER));
    const empty = {
      ...plan,
      changes: [],
      warnings: [],
      summary: { add: 0, change: 0, destroy: 0, adopt: 0, replace: 0 },
    };
    const md = renderPlanMarkdown(empty, CTX);
    expect(md.split('\n')[0]).toBe(
      '### ✅ workload-identity-bindings: no changes for `workload-identity.yaml`',
    );
    expect(md).not.toContain('| Kind |');
    expect(md).not.toContain('mermaid');
  });

  test('hostile strings from the file stay inert everywhere', async () => {
    const hostile = `  - role: evil-role
    description: "<script>alert(1)</script> </details> \`\`\`\` @org/team [x](javascript:alert(1)) a|b \\"]-->x"
    serviceAccounts:
      - { cluster: prod, namespace: default, name: app }
    tags:
      note: "@octocat: a=b+c/d"
    inlinePolicies:
      "evil@team":
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: "arn:aws:s3:::\`\`\`\`\`/</details>@team"`;
    const plan = await planFor(bindingsYaml(hostile));
    const md = renderPlanMarkdown(plan, { ...CTX, bindingsFile: 'dir/<b>@team`x.yaml' });
    const visible = prose(md);
    expect(visible).not.toContain('<script');
    expect(visible).not.toContain('<b>');
    expect(visible).not.toMatch(/@[A-Za-z]/);
    expect(visible).not.toContain('](javascript');
    // Only our own HTML tags are outside code.
    expect(visible.match(/<\/?[a-z]+/g)?.every((t) => /^<\/?(details|summary|sub|code)$/.test(t))).toBe(true);
    // Table rows keep their four cells: every pipe inside a cell is escaped.
    for (const row of md.split('\n').filter((l) => l.startsWith('| `'))) {
      expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6);
    }
    // Every <details> is closed by our own </details>, after its fence is closed.
    expect((outsideCode(md).match(/<details/g) ?? []).length).toBe(
      (outsideCode(md).match(/^<\/details>$/gm) ?? []).length,
    );
    // The Mermaid graph has no raw quote inside a label.
    const graph = /```mermaid\n([\s\S]*?)\n```/.exec(md)?.[1] ?? '';
    for (const line of graph.split('\n').filter((l) => l.includes('"'))) {
      expect(line).toMatch(/^ {2}n\d+[[({]+"[^"]*"[\])}]+$/);
    }
  });

  test('over the budget: status, summary and table stay, details are cut on a line boundary with a pointer', async () => {
    const statements = Array.from(
      { length: 40 },
      (_, i) =>
        `          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::bucket-${i}/*`,
    ).join('\n');
    const many = Array.from(
      { length: 30 },
      (_, i) => `  - role: role-${i}
    serviceAccounts:
      - { cluster: prod, namespace: default, name: app-${i} }
    inlinePolicies:
      big:
        Version: '2012-10-17'
        Statement:
${statements}`,
    ).join('\n');
    const plan = await planFor(bindingsYaml(many));
    const full = renderPlanMarkdownDocument(plan, { ...CTX, budget: Infinity });
    expect(full.truncated).toBe(false);
    expect(full.markdown.length).toBeGreaterThan(100_000);

    const cut = renderPlanMarkdownDocument(plan, {
      ...CTX,
      jobSummaryUrl: 'https://github.com/o/r/actions/runs/7',
    });
    expect(cut.truncated).toBe(true);
    expect(cut.markdown.length).toBeLessThanOrEqual(50_000);
    expect(cut.markdown).toContain('**Plan:** 61 to add, 0 to change, 0 to destroy.');
    for (let i = 0; i < 30; i++) expect(cut.markdown).toContain(`\`role.role-${i}\``);
    expect(cut.markdown).toContain('[job summary](https://github.com/o/r/actions/runs/7)');
    expect(cut.markdown).toMatch(/<sub>plan `[0-9a-f]{16}`/);
    // Cut on line boundaries: every kept line is a whole line of the full rendering.
    const fullLines = new Set(full.markdown.split('\n'));
    for (const line of cut.markdown.split('\n')) {
      if (!line.startsWith('>') && line !== '') expect(fullLines.has(line)).toBe(true);
    }
    outsideCode(cut.markdown); // every fence is closed
    const small = renderPlanMarkdownDocument(plan, { ...CTX, budget: 8_000 });
    expect(small.markdown.length).toBeLessThanOrEqual(8_000);
    expect(small.markdown).toContain('**Plan:**');
  });

  test('a graph too large to draw is left out with a note', async () => {
    const roles = Array.from(
      { length: 70 },
      (_, i) =>
        `  - role: r-${i}\n    serviceAccounts:\n      - { cluster: prod, namespace: default, name: sa-${i} }`,
    ).join('\n');
    const plan = await planFor(bindingsYaml(roles));
    expect(renderBindingGraph(plan.changes).kind).toBe('too-large');
    expect(renderPlanMarkdown(plan, { ...CTX, budget: 1_000_000 })).toContain(
      'The binding graph is left out',
    );
  });
});

describe('other comments', () => {
  test('validation problems: one row per diagnostic with file:line:col, escaped', () => {
    const diagnostics: Diagnostic[] = [
      {
        severity: 'error',
        file: 'workload-identity.yaml',
        line: 3,
        col: 5,
        message: 'unknown key "<b>x</b>" — did you mean `role`?',
      },
      {
        severity: 'warning',
        file: 'workload-identity.yaml',
        line: 9,
        col: 1,
        message: 'ping @octocat | here',
      },
    ];
    const md = renderValidationMarkdown(diagnostics, { bindingsFile: 'workload-identity.yaml' });
    expect(md.split('\n')[0]).toBe('### ❌ workload-identity-bindings: 1 error in `workload-identity.yaml`');
    expect(md).toContain(
      '| `workload-identity.yaml:3:5` | unknown key "&lt;b&gt;x&lt;/b&gt;" — did you mean `role`? |',
    );
    expect(md).toContain('#### Warnings');
    expect(md).toContain('ping @\u200Doctocat \\\\| here');
  });

  test('conflicts name each address and problem', () => {
    const md = renderConflictsMarkdown([{ address: 'role.x', message: 'role x belongs to another owner' }], {
      bindingsFile: 'w.yaml',
    });
    expect(md).toContain('cannot proceed');
    expect(md).toContain('| `role.x` | role x belongs to another owner |');
  });

  test('a stale plan shows both ids and the fresh plan', async () => {
    const plan = await planFor(bindingsYaml(S3_READER));
    const md = renderStalePlanMarkdown(plan, { ...CTX, reviewedPlanId: '0123456789abcdef', pullNumber: 7 });
    expect(md).toContain('Pull request #7 was reviewed with plan `0123456789abcdef`');
    expect(md).toContain(`planning now gives \`${plan.planId}\``);
    expect(md).toContain('| `+` | role | `role.s3-reader`');
  });

  test('apply results: a row per change, failures with call, resource and code', async () => {
    const plan = await planFor(bindingsYaml(S3_READER));
    const report: ApplyReport = {
      changes: [
        { address: plan.changes[0].address, kind: 'oidc-provider', action: 'create', status: 'ok' },
        {
          address: 'role.s3-reader',
          kind: 'role',
          action: 'create',
          status: 'failed',
          error: {
            call: 'CreateRole',
            resource: 'role s3-reader',
            code: 'AccessDenied',
            message: 'not allowed <b>',
          },
        },
        {
          address: 'service-account.prod/default/app',
          kind: 'service-account',
          action: 'create',
          status: 'skipped',
          reason: 'depends on role.s3-reader',
        },
      ],
      summary: { added: 1, changed: 0, destroyed: 0, failed: 1, skipped: 1 },
      ok: false,
    };
    const md = renderApplyMarkdown(report, plan, { headSha: CTX.headSha });
    expect(md.split('\n')[0]).toBe(
      '### ❌ workload-identity-bindings: apply of `workload-identity.yaml` failed',
    );
    expect(md).toContain(
      '| ❌ | `+` | `role.s3-reader` | `CreateRole` on `role s3-reader`: `AccessDenied`: not allowed &lt;b&gt; |',
    );
    expect(md).toContain('| ⏭️ | `+` | `service-account.prod/default/app` | depends on role\\.s3\\-reader |');
    const ok = renderApplyMarkdown(
      { changes: [], summary: { added: 0, changed: 0, destroyed: 0, failed: 0, skipped: 0 }, ok: true },
      plan,
    );
    expect(ok).toContain('### ✅ workload-identity-bindings: applied `workload-identity.yaml`');
    expect(ok).toContain('Apply complete\\! 0 added, 0 changed, 0 destroyed\\.');
  });
});
