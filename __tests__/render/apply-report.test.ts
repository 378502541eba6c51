import { applySummaryLine, renderApplyJson, renderApplyText } from '../../src/render/apply-report.js';
import type { ApplyReport } from '../../src/apply/types.js';

const failedReport: ApplyReport = {
  changes: [
    {
      address: 'oidc-provider.oidc.example.com/id/ABC',
      kind: 'oidc-provider',
      action: 'create',
      status: 'ok',
    },
    {
      address: 'role.s3-reader',
      kind: 'role',
      action: 'create',
      status: 'failed',
      error: {
        call: 'AttachRolePolicy',
        resource: 'role s3-reader, policy arn:aws:iam::aws:policy/Nope',
        code: 'NoSuchEntity',
        message: 'Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.',
      },
    },
    {
      address: 'role.old',
      kind: 'role',
      action: 'replace',
      status: 'ok',
      reason: "path changes from / to /workload-identity/ (IAM cannot change a role's path)",
    },
    {
      address: 'service-account.prod/default/app',
      kind: 'service-account',
      action: 'create',
      status: 'skipped',
      reason: 'depends on role.s3-reader, which failed',
    },
  ],
  summary: { added: 2, changed: 0, destroyed: 1, failed: 1, skipped: 1 },
  ok: false,
};

test('renders each change, the failure details and the failure sentence', () => {
  expect(renderApplyText(failedReport)).toBe(
    [
      '✓ oidc-provider.oidc.example.com/id/ABC: created',
      '✗ role.s3-reader: create failed',
      '    call:     AttachRolePolicy',
      '    resource: role s3-reader, policy arn:aws:iam::aws:policy/Nope',
      '    code:     NoSuchEntity',
      '    error:    Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.',
      "✓ role.old: replaced (path changes from / to /workload-identity/ (IAM cannot change a role's path))",
      '– service-account.prod/default/app: create skipped — depends on role.s3-reader, which failed',
      '',
      'Apply failed: 1 change failed, 1 skipped; 2 added, 0 changed, 1 destroyed.',
    ].join('\n'),
  );
});

test('ASCII markers on request', () => {
  const text = renderApplyText(failedReport, { ascii: true });
  expect(text).toMatch(/^\[ok\] oidc-provider/m);
  expect(text).toMatch(/^\[failed\] role\.s3-reader/m);
  expect(text).toMatch(/^\[skipped\] service-account/m);
  expect(text).not.toMatch(/[^\x20-\x7e\n]/);
});

test("Terraform's sentence when everything applied", () => {
  expect(applySummaryLine({ added: 3, changed: 1, destroyed: 0, failed: 0, skipped: 0 }, true)).toBe(
    'Apply complete! 3 added, 1 changed, 0 destroyed.',
  );
  expect(applySummaryLine({ added: 0, changed: 0, destroyed: 0, failed: 2, skipped: 0 }, false)).toBe(
    'Apply failed: 2 changes failed; 0 added, 0 changed, 0 destroyed.',
  );
});

test('JSON round-trips the report', () => {
  expect(JSON.parse(renderApplyJson(failedReport))).toEqual(failedReport);
});
