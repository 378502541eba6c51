// IAM role mutations for apply: create (every attribute and the owner tag in the one CreateRole
// call, so no role of ours ever exists untagged), converge an existing role to its desired state
// (update, adopt, crash recovery), and delete. Every step tolerates work that is already done, so
// re-running apply after a partial run converges.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { ApplyStepError } from '../support/step-error.js';
import type { DesiredRole } from '../desired/types.js';
import { OWNER_TAG, isOurs, isOwnerTagKey, ownerOf } from '../support/ownership.js';
import { policiesEqual } from '../policy/normalize.js';
import type { RoleAttributes } from '../policy/role.js';
import type { PolicyDocument } from '../policy/types.js';
import { tagsAsIamSpells } from '../plan/role-names.js';
import { parsePolicyText } from '../support/policy-document.js';
import {
  either,
  iamCall,
  isCode,
  principalNotYetValid,
  roleNotYetVisible,
  type IamConsistencyTest,
  type IamWriteContext,
} from './write-call.js';

/**
 * A role as apply knows it before converging: the shared role attributes, where `null` marks a
 * document whose text is unknown (unreadable in IAM), so it is rewritten.
 */
export interface CurrentRole extends Omit<RoleAttributes, 'arn' | 'trustPolicy' | 'inlinePolicies'> {
  trustPolicy: PolicyDocument | null;
  inlinePolicies: Record<string, PolicyDocument | null>;
}

export interface ConvergeOptions {
  /** Tag the role with our owner tag before anything else (taking over a role the file adopts). */
  adopt?: boolean;
  /** We created the role in this run: NoSuchEntity on it is eventual consistency, not a deleted role. */
  justCreated?: boolean;
}

const roleResource = (name: string): string => `role ${name}`;
const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/**
 * Creates the role with its trust policy, settings and tags in one call, then attaches its managed
 * and inline policies. If the role already exists and carries our owner tag (a crashed earlier run,
 * or the SDK retrying a CreateRole whose answer was lost), it is converged instead; a role without
 * our tag is never taken over.
 */
/**
 * What a create did: `created` (IAM accepted this run's create), or, when IAM answered
 * EntityAlreadyExists for a resource of ours, `existing` (it already matched: nothing written) or
 * `finished` (this run wrote what was still missing). Both mean another run created it — two
 * applies of one file at once (the CLI takes no lock) — or a retried request of this run whose
 * first answer was lost; a run never counts them as added, so totals across runs stay true.
 */
export type CreateOutcome = 'created' | 'existing' | 'finished';

/** Runs `work` and tells whether IAM accepted any write during it. */
async function wroteDuring(
  ctx: IamWriteContext,
  work: (ctx: IamWriteContext) => Promise<void>,
): Promise<boolean> {
  let writes = 0;
  await work({
    ...ctx,
    onWrite: (call) => {
      writes += 1;
      ctx.onWrite?.(call);
    },
  });
  return writes > 0;
}

export async function createRole(ctx: IamWriteContext, role: DesiredRole): Promise<CreateOutcome> {
  const resource = roleResource(role.name);
  const created = await iamCall(
    ctx,
    'CreateRole',
    resource,
    () =>
      ctx.iam.send(
        new CreateRoleCommand({
          RoleName: role.name,
          Path: role.path,
          AssumeRolePolicyDocument: JSON.stringify(role.trustPolicy),
          Description: role.description,
          MaxSessionDuration: role.maxSessionDuration,
          PermissionsBoundary: role.permissionsBoundary,
          Tags: tagList(role.tags),
        }),
      ),
    { alreadyDone: isCode('EntityAlreadyExists'), notYetConsistent: principalNotYetValid },
  );
  if (created === undefined) {
    // The role exists, possibly only moments ago: GetRole waits out eventual consistency.
    const current = await readCurrentRole(ctx, role.name, { justCreated: true });
    if (!current)
      throw new ApplyStepError({
        call: 'CreateRole',
        resource,
        code: 'EntityAlreadyExists',
        message: `IAM says role ${role.name} exists but GetRole cannot find it; run apply again.`,
      });
    assertOurs(ctx, current, 'CreateRole');
    if (current.path !== role.path) {
      throw new ApplyStepError({
        call: 'CreateRole',
        resource,
        code: 'EntityAlreadyExists',
        message: `role ${role.name} already exists with path ${current.path}, not ${role.path}; run plan again (it will replace the role).`,
      });
    }
    const wrote = await wroteDuring(ctx, (counting) =>
      convergeRole(counting, current, role, { justCreated: true }),
    );
    return wrote ? 'finished' : 'existing';
  }
  // CreateRole set everything but the policies; converging now only attaches and puts those.
  const fresh: CurrentRole = { ...role, managedPolicies: [], inlinePolicies: {} };
  try {
    await convergeRole(ctx, fresh, role, { justCreated: true });
  } catch (error) {
    // The role exists (with our owner tag) but lacks policies: say so, never "0 added".
    throw ApplyStepError.afterCreate(error, {
      call: 'CreateRole',
      resource,
      message: `role ${role.name} was created but could not be finished: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  return 'created';
}

function assertOurs(ctx: IamWriteContext, current: CurrentRole, call: string): void {
  const tag = ownerOf(current.tags);
  if (tag === ctx.owner) return;
  throw new ApplyStepError({
    call,
    resource: roleResource(current.name),
    code: 'EntityAlreadyExists',
    message:
      tag === undefined
        ? `role ${current.name} already exists and is not managed by workload-identity-bindings (no ${OWNER_TAG} tag); it was not touched. Set \`adopt: true\` on its binding to take it over, or rename the role in the file.`
        : `role ${current.name} already exists and belongs to owner "${tag}"; it was not touched. Rename the role in the file.`,
  });
}

/**
 * Brings an existing role to the desired state with the fewest calls: only attributes that differ
 * are written. Adoption tags the role first, so a failure halfway leaves a role we can find again.
 */
export async function convergeRole(
  ctx: IamWriteContext,
  current: CurrentRole,
  desired: DesiredRole,
  options: ConvergeOptions = {},
): Promise<void> {
  // Addressed by the name IAM returned (the plan uses IAM's spelling too): no IAM page says a call
  // naming a role in another case finds it.
  const name = current.name;
  const resource = roleResource(name);
  const consistency: IamConsistencyTest | undefined = options.justCreated ? roleNotYetVisible : undefined;
  const tags = { ...current.tags };

  if (options.adopt && !isOurs(tags, ctx.owner)) {
    await iamCall(
      ctx,
      'TagRole',
      resource,
      () =>
        ctx.iam.send(new TagRoleCommand({ RoleName: name, Tags: [{ Key: OWNER_TAG, Value: ctx.owner }] })),
      {
        notYetConsistent: consistency,
      },
    );
    tags[OWNER_TAG] = ctx.owner;
  }

  if (!current.trustPolicy || !policiesEqual(current.trustPolicy, desired.trustPolicy)) {
    await iamCall(
      ctx,
      'UpdateAssumeRolePolicy',
      resource,
      () =>
        ctx.iam.send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: name,
            PolicyDocument: JSON.stringify(desired.trustPolicy),
          }),
        ),
      { notYetConsistent: either(principalNotYetValid, consistency) },
    );
  }

  const descriptionChanged = (current.description ?? '') !== (desired.description ?? '');
  if (descriptionChanged || current.maxSessionDuration !== desired.maxSessionDuration) {
    await iamCall(
      ctx,
      'UpdateRole',
      resource,
      () =>
        ctx.iam.send(
          new UpdateRoleCommand({
            RoleName: name,
            // IAM keeps the old description when the field is absent; an empty one clears it.
            Description: descriptionChanged ? (desired.description ?? '') : undefined,
            MaxSessionDuration: desired.maxSessionDuration,
          }),
        ),
      { notYetConsistent: consistency },
    );
  }

  if ((current.permissionsBoundary ?? '') !== (desired.permissionsBoundary ?? '')) {
    if (desired.permissionsBoundary) {
      const boundary = desired.permissionsBoundary;
      await iamCall(
        ctx,
        'PutRolePermissionsBoundary',
        `${resource}, boundary ${boundary}`,
        () =>
          ctx.iam.send(
            new PutRolePermissionsBoundaryCommand({ RoleName: name, PermissionsBoundary: boundary }),
          ),
        { notYetConsistent: consistency },
      );
    } else {
      await iamCall(
        ctx,
        'DeleteRolePermissionsBoundary',
        resource,
        () => ctx.iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: name })),
        {
          alreadyDone: isCode('NoSuchEntity'),
        },
      );
    }
  }

  await convergeManagedPolicies(ctx, name, current.managedPolicies, desired.managedPolicies, consistency);

  for (const [policyName, document] of Object.entries(desired.inlinePolicies)) {
    const existing = current.inlinePolicies[policyName];
    if (existing && policiesEqual(existing, document)) continue;
    await iamCall(
      ctx,
      'PutRolePolicy',
      `${resource}, inline policy ${policyName}`,
      () =>
        ctx.iam.send(
          new PutRolePolicyCommand({
            RoleName: name,
            PolicyName: policyName,
            PolicyDocument: JSON.stringify(document),
          }),
        ),
      { notYetConsistent: consistency },
    );
  }
  for (const policyName of Object.keys(current.inlinePolicies)) {
    if (policyName in desired.inlinePolicies) continue;
    await iamCall(
      ctx,
      'DeleteRolePolicy',
      `${resource}, inline policy ${policyName}`,
      () => ctx.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName })),
      {
        alreadyDone: isCode('NoSuchEntity'),
      },
    );
  }

  // Role tag keys are unique ignoring case (as the plan compares them); a changed value is written
  // under the key as IAM holds it, so the key's spelling never changes behind the reviewer's back.
  const currentTags = new Map(Object.entries(tags).map(([key, value]) => [key.toLowerCase(), value]));
  const wantedKeys = new Set(Object.keys(desired.tags).map((key) => key.toLowerCase()));
  const toTag = Object.fromEntries(
    Object.entries(tagsAsIamSpells(desired.tags, tags)).filter(
      ([key, value]) => currentTags.get(key.toLowerCase()) !== value,
    ),
  );
  if (Object.keys(toTag).length) {
    await iamCall(
      ctx,
      'TagRole',
      resource,
      () => ctx.iam.send(new TagRoleCommand({ RoleName: name, Tags: tagList(toTag) })),
      { notYetConsistent: consistency },
    );
  }
  // Our owner tag is never removed: it is how the next run knows the role is ours.
  const toUntag = Object.keys(tags).filter(
    (key) => !wantedKeys.has(key.toLowerCase()) && !isOwnerTagKey(key),
  );
  if (toUntag.length) {
    await iamCall(
      ctx,
      'UntagRole',
      resource,
      () => ctx.iam.send(new UntagRoleCommand({ RoleName: name, TagKeys: toUntag })),
      { notYetConsistent: consistency },
    );
  }
}

/**
 * Attaches before detaching, so the role never holds less than both the old and the new set; when
 * that would exceed IAM's policies-per-role quota, the removals go first and the attach is retried.
 */
async function convergeManagedPolicies(
  ctx: IamWriteContext,
  roleName: string,
  current: string[],
  desired: string[],
  consistency: IamConsistencyTest | undefined,
): Promise<void> {
  const toDetach = current.filter((arn) => !desired.includes(arn));
  const detached = new Set<string>();
  const detach = async (arn: string): Promise<void> => {
    if (detached.has(arn)) return;
    await iamCall(
      ctx,
      'DetachRolePolicy',
      `${roleResource(roleName)}, policy ${arn}`,
      () => ctx.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn })),
      {
        alreadyDone: isCode('NoSuchEntity'),
      },
    );
    detached.add(arn);
  };
  for (const arn of desired.filter((a) => !current.includes(a))) {
    const attach = () => ctx.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
    const resource = `${roleResource(roleName)}, policy ${arn}`;
    try {
      await iamCall(ctx, 'AttachRolePolicy', resource, attach, { notYetConsistent: consistency });
    } catch (error) {
      if (
        !(error instanceof ApplyStepError) ||
        error.code !== 'LimitExceeded' ||
        toDetach.every((a) => detached.has(a))
      )
        throw error;
      for (const old of toDetach) await detach(old);
      await iamCall(ctx, 'AttachRolePolicy', resource, attach, { notYetConsistent: consistency });
    }
  }
  for (const arn of toDetach) await detach(arn);
}

/** The role as IAM holds it now (inline policy texts are not read: they are rewritten anyway). */
export async function readCurrentRole(
  ctx: IamWriteContext,
  name: string,
  options: { justCreated?: boolean } = {},
): Promise<CurrentRole | undefined> {
  const resource = roleResource(name);
  const answer = await iamCall(
    ctx,
    'GetRole',
    resource,
    () => ctx.iam.send(new GetRoleCommand({ RoleName: name })),
    {
      alreadyDone: isCode('NoSuchEntity'),
      notYetConsistent: options.justCreated ? roleNotYetVisible : undefined,
    },
  );
  const role = answer?.Role;
  if (!role) return undefined;
  const managedPolicies: string[] = [];
  const inlinePolicies: Record<string, PolicyDocument | null> = {};
  await iamCall(ctx, 'ListAttachedRolePolicies', resource, async () => {
    for await (const page of paginateListAttachedRolePolicies({ client: ctx.iam }, { RoleName: name })) {
      for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) managedPolicies.push(p.PolicyArn);
    }
  });
  await iamCall(ctx, 'ListRolePolicies', resource, async () => {
    for await (const page of paginateListRolePolicies({ client: ctx.iam }, { RoleName: name })) {
      for (const policyName of page.PolicyNames ?? []) inlinePolicies[policyName] = null;
    }
  });
  return {
    name: role.RoleName ?? name,
    path: role.Path ?? '/',
    description: role.Description || undefined,
    maxSessionDuration: role.MaxSessionDuration ?? 3600,
    permissionsBoundary: role.PermissionsBoundary?.PermissionsBoundaryArn,
    trustPolicy: parseDocument(role.AssumeRolePolicyDocument),
    managedPolicies,
    inlinePolicies,
    tags: Object.fromEntries((role.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}

/** An unreadable document counts as unknown, so converging rewrites it. */
function parseDocument(text: string | undefined): PolicyDocument | null {
  if (!text) return null;
  const read = parsePolicyText(text);
  return read.kind === 'document' ? (read.document as PolicyDocument) : null;
}

export interface RoleToDelete {
  name: string;
  managedPolicies: string[];
  inlinePolicies: string[];
}

/**
 * Detaches managed policies, deletes inline ones, then deletes the role. If IAM still refuses
 * (DeleteConflict: something was attached after the plan was made), the role is listed again and
 * emptied once more. A role that is already gone counts as deleted.
 */
export async function deleteRole(ctx: IamWriteContext, role: RoleToDelete): Promise<void> {
  await emptyRole(ctx, role);
  const remove = () => ctx.iam.send(new DeleteRoleCommand({ RoleName: role.name }));
  try {
    await iamCall(ctx, 'DeleteRole', roleResource(role.name), remove, {
      alreadyDone: isCode('NoSuchEntity'),
    });
  } catch (error) {
    if (!(error instanceof ApplyStepError) || error.code !== 'DeleteConflict') throw error;
    const current = await readCurrentRole(ctx, role.name);
    if (!current) return;
    await emptyRole(ctx, {
      name: role.name,
      managedPolicies: current.managedPolicies,
      inlinePolicies: Object.keys(current.inlinePolicies),
    });
    await iamCall(ctx, 'DeleteRole', roleResource(role.name), remove, {
      alreadyDone: isCode('NoSuchEntity'),
    });
  }
}

async function emptyRole(ctx: IamWriteContext, role: RoleToDelete): Promise<void> {
  const resource = roleResource(role.name);
  for (const arn of role.managedPolicies) {
    await iamCall(
      ctx,
      'DetachRolePolicy',
      `${resource}, policy ${arn}`,
      () => ctx.iam.send(new DetachRolePolicyCommand({ RoleName: role.name, PolicyArn: arn })),
      {
        alreadyDone: isCode('NoSuchEntity'),
      },
    );
  }
  for (const policyName of role.inlinePolicies) {
    await iamCall(
      ctx,
      'DeleteRolePolicy',
      `${resource}, inline policy ${policyName}`,
      () => ctx.iam.send(new DeleteRolePolicyCommand({ RoleName: role.name, PolicyName: policyName })),
      {
        alreadyDone: isCode('NoSuchEntity'),
      },
    );
  }
}
