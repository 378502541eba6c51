// IAM managed policy reads: GetPolicy and ListPolicies over the emulator's policy catalogue. The
// plan uses GetPolicy to check that every managed policy ARN it will attach exists, and ListPolicies
// (only when one does not) to suggest the name that was meant.
import type { ActionHandler, IamContext } from './context.js';
import { invalidInput, noSuchEntity, validationError } from './errors.js';
import { isPolicyArn, policyName } from './managed-policies.js';
import { paginate } from './paging.js';
import { checkMaxItems, rejectViolations } from './validate.js';
import { field, isoDate, members } from './xml.js';

/** Catalogue policies have no creation history: one fixed date keeps answers deterministic. */
const CREATED = Date.UTC(2015, 1, 6, 18, 40, 0);

function policyPath(arn: string): string {
  const rest = arn.slice(arn.indexOf(':policy/') + ':policy'.length);
  return rest.slice(0, rest.lastIndexOf('/') + 1);
}

/** A stable, IAM-shaped policy id (ANPA + 17 characters) derived from the ARN. */
function policyId(arn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let hash = 2166136261;
  let id = 'ANPA';
  for (let i = 0; i < 17; i += 1) {
    for (const c of `${i}${arn}`) hash = Math.imul(hash ^ c.charCodeAt(0), 16777619) >>> 0;
    id += alphabet[hash % alphabet.length];
  }
  return id;
}

export function policyActions(ctx: IamContext): Record<string, ActionHandler> {
  const attachments = (arn: string): number =>
    ctx.state.sortedRoles().filter((role) => role.attachedPolicyArns.includes(arn)).length;
  const policyXml = (arn: string): string =>
    field('PolicyName', policyName(arn)) +
    field('PolicyId', policyId(arn)) +
    field('Arn', arn) +
    field('Path', policyPath(arn)) +
    field('DefaultVersionId', 'v1') +
    field('AttachmentCount', attachments(arn)) +
    field('PermissionsBoundaryUsageCount', 0) +
    field('IsAttachable', true) +
    field('CreateDate', isoDate(CREATED)) +
    field('UpdateDate', isoDate(CREATED));

  return {
    GetPolicy: (q) => {
      const arn = q.required('PolicyArn');
      if (!isPolicyArn(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
      if (!ctx.policies.exists(arn)) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
      return `<Policy>${policyXml(arn)}</Policy>`;
    },

    ListPolicies: (q) => {
      const scope = q.string('Scope') ?? 'All';
      if (!['All', 'AWS', 'Local'].includes(scope))
        throw validationError([
          `Value '${scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]`,
        ]);
      const maxItems = q.integer('MaxItems');
      rejectViolations(checkMaxItems(maxItems));
      const prefix = q.string('PathPrefix') ?? '/';
      const onlyAttached = q.string('OnlyAttached') === 'true';
      const arns = ctx.policies
        .list(scope as 'All' | 'AWS' | 'Local')
        .filter((arn) => policyPath(arn).startsWith(prefix))
        .filter((arn) => !onlyAttached || attachments(arn) > 0);
      const page = paginate(arns, (a) => a, q.string('Marker'), maxItems);
      return members('Policies', page.items.map(policyXml)) + page.trailer;
    },
  };
}
