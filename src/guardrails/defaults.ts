// The rules that apply when a repository has no guardrails file: warnings (errors under --strict)
// for what an audit of real bindings files found unflagged — admin-like managed policies, grants
// that amount to admin or privilege escalation on every resource, Allow statements with NotAction or
// NotResource, subjects that match every namespace, and kube-system. The README lists them.
import type { Guardrails } from './types.js';

/** Partition-agnostic: arn:aws, arn:aws-cn and arn:aws-us-gov. */
const AWS_POLICY = 'arn:aws*:iam::aws:policy/';

export const DEFAULT_GUARDRAILS: Guardrails = {
  rules: [
    {
      id: 'managedPolicies.deny',
      severity: 'warning',
      except: [],
      policies: [
        `${AWS_POLICY}AdministratorAccess`,
        `${AWS_POLICY}PowerUserAccess`,
        `${AWS_POLICY}IAMFullAccess`,
        `${AWS_POLICY}*IAM*FullAccess`,
        `${AWS_POLICY}*STS*FullAccess`,
        `${AWS_POLICY}*Organizations*FullAccess`,
        // Paths such as job-function/ hold more admin-like policies.
        `${AWS_POLICY}*/AdministratorAccess*`,
      ],
    },
    {
      // `*`, `iam:*`, `iam:Pass*`, `sts:*` … all grant one of these two on every resource.
      id: 'inlinePolicies.denyActions',
      severity: 'warning',
      except: [],
      actions: ['iam:PassRole', 'sts:AssumeRole'],
      onAllResources: true,
    },
    { id: 'inlinePolicies.denyNotAction', severity: 'warning', except: [] },
    { id: 'subjects.allowWildcards', severity: 'warning', except: [], allowed: 'partial' },
    { id: 'subjects.deniedNamespaces', severity: 'warning', except: [], namespaces: ['kube-system'] },
  ],
};
