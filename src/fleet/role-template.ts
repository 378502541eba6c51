// The role a workflow job assumes for one bindings file: the file's own aws.planRoleArn /
// aws.applyRoleArn win; otherwise the workflow input, a literal ARN or a template such as
// arn:aws:iam::{accountId}:role/workload-identity-plan filled in from the file's aws.accountId.
// Pure: no I/O.

const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role\/([\u0021-\u007E]+\/)?[A-Za-z0-9+=,.@_-]{1,64}$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;
/** The only placeholder a template may use. */
export const ACCOUNT_PLACEHOLDER = '{accountId}';

export type RoleTemplateResult = { ok: true; arn: string } | { ok: false; reason: string };

/** Checks a template (or literal ARN) once, before any file is looked at. */
export function checkRoleTemplate(template: string, input: string): string | undefined {
  if (template === '') return undefined;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match[0] !== ACCOUNT_PLACEHOLDER)
      return `${input} "${template}" uses ${match[0]}: the only placeholder is ${ACCOUNT_PLACEHOLDER}`;
  }
  const sample = template.replaceAll(ACCOUNT_PLACEHOLDER, '123456789012');
  if (!ROLE_ARN.test(sample))
    return `${input} "${template}" is not an IAM role ARN (or a template of one), for example arn:aws:iam::${ACCOUNT_PLACEHOLDER}:role/workload-identity-plan`;
  return undefined;
}

/**
 * The ARN for one file. `own` is the file's aws.planRoleArn/applyRoleArn; `template` the workflow
 * input ('' when not given: then the file must name its own role or the job has none).
 */
export function resolveRoleArn(
  own: string | undefined,
  template: string,
  accountId: string | undefined,
): RoleTemplateResult | undefined {
  if (own !== undefined) return { ok: true, arn: own };
  if (template === '') return undefined;
  if (!template.includes(ACCOUNT_PLACEHOLDER)) return { ok: true, arn: template };
  if (accountId === undefined)
    return {
      ok: false,
      reason: `the role template "${template}" needs the file's account: set aws.accountId (12 digits, in quotes), or name the roles in aws.planRoleArn / aws.applyRoleArn`,
    };
  return { ok: true, arn: template.replaceAll(ACCOUNT_PLACEHOLDER, accountId) };
}
