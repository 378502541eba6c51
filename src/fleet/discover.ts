// Many bindings files in one repository: the list a GitHub Actions matrix fans out over, and the
// checks that make many files safe. Each file's apply deletes the roles tagged with its owner that
// are not in that file, so two files sharing an owner would delete each other's roles, and two
// files naming one role in one account would fight over it. Pure: the files are already loaded.
import type { Diagnostic } from '../bindings/diagnostics.js';
import type { BindingsFile, SourceLocation } from '../bindings/types.js';
import { resolveRoleArn } from './role-template.js';

/** One matrix entry: everything a plan, apply or drift job needs to know about its file. */
export interface FleetEntry {
  path: string;
  owner: string;
  /** aws.accountId, else the account of the plan role; null when neither says. */
  accountId: string | null;
  /** Role to assume for plan and drift; null when neither the file nor the workflow names one. */
  planRoleArn: string | null;
  /** Role to assume for apply. */
  applyRoleArn: string | null;
}

export interface FleetOptions {
  /** The workflow's plan-role-arn input: a literal ARN, a template with {accountId}, or ''. */
  planRoleTemplate: string;
  applyRoleTemplate: string;
  /** Paths to put in the matrix; undefined = every file. Checks always cover every file. */
  only?: ReadonlySet<string>;
}

export interface Fleet {
  /** Sorted by path. */
  entries: FleetEntry[];
  /** Problems that stop the fan-out; each names both places where it is a conflict. */
  diagnostics: Diagnostic[];
}

const at = (l: SourceLocation) => `${l.file}:${l.line}:${l.col}`;
const error = (l: SourceLocation, message: string): Diagnostic => ({
  severity: 'error',
  file: l.file,
  line: l.line,
  col: l.col,
  message,
});

function ownerAt(file: BindingsFile): SourceLocation {
  return file.ownerLocation ?? { file: file.path, line: 1, col: 1 };
}

function accountOfArn(arn: string | null): string | null {
  return arn?.split(':')[4] || null;
}

export function discoverFleet(files: readonly BindingsFile[], options: FleetOptions): Fleet {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const diagnostics: Diagnostic[] = [];
  const entries: FleetEntry[] = [];
  const accountOf = new Map<BindingsFile, string | null>();

  for (const file of sorted) {
    const place = file.awsLocation ?? ownerAt(file);
    const roles: Array<string | null> = [];
    let unresolved: string | undefined;
    for (const [own, template] of [
      [file.aws.planRoleArn, options.planRoleTemplate],
      [file.aws.applyRoleArn, options.applyRoleTemplate],
    ] as const) {
      const resolved = resolveRoleArn(own, template, file.aws.accountId);
      if (resolved && !resolved.ok) unresolved ??= resolved.reason;
      roles.push(resolved?.ok ? resolved.arn : null);
    }
    // Plan and apply templates fail for the same reason: one message per file.
    if (unresolved) diagnostics.push(error(place, unresolved));
    const [planRoleArn, applyRoleArn] = roles;
    const accountId = file.aws.accountId ?? accountOfArn(planRoleArn) ?? accountOfArn(applyRoleArn);
    accountOf.set(file, accountId);
    for (const arn of [planRoleArn, applyRoleArn]) {
      const account = accountOfArn(arn);
      if (file.aws.accountId !== undefined && account !== null && account !== file.aws.accountId)
        diagnostics.push(
          error(
            place,
            `the role ${arn} is in account ${account}, but aws.accountId is ${file.aws.accountId}: name a role in the file's own account`,
          ),
        );
    }
    entries.push({ path: file.path, owner: file.owner, accountId, planRoleArn, applyRoleArn });
  }

  diagnostics.push(...sharedOwners(sorted), ...sharedRoles(sorted, accountOf));
  const only = options.only;
  return {
    entries: only ? entries.filter((e) => only.has(e.path)) : entries,
    diagnostics: diagnostics.sort((a, b) =>
      a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col,
    ),
  };
}

function sharedOwners(files: readonly BindingsFile[]): Diagnostic[] {
  const byOwner = new Map<string, BindingsFile[]>();
  for (const f of files) byOwner.set(f.owner, [...(byOwner.get(f.owner) ?? []), f]);
  const out: Diagnostic[] = [];
  for (const [owner, group] of byOwner) {
    if (group.length < 2) continue;
    for (const f of group) {
      const others = group.filter((g) => g !== f).map((g) => at(ownerAt(g)));
      out.push(
        error(
          ownerAt(f),
          `owner "${owner}" is also the owner of ${others.join(', ')}: give each bindings file its own owner — an apply deletes every role of its owner that is not in its file, so files sharing an owner delete each other's roles`,
        ),
      );
    }
  }
  return out;
}

function sharedRoles(
  files: readonly BindingsFile[],
  accountOf: Map<BindingsFile, string | null>,
): Diagnostic[] {
  // IAM role names are unique in an account regardless of case and path.
  const seen = new Map<string, Array<{ file: BindingsFile; role: string; location: SourceLocation }>>();
  for (const file of files) {
    for (const b of file.bindings) {
      const key = b.role.toLowerCase();
      seen.set(key, [...(seen.get(key) ?? []), { file, role: b.role, location: b.location }]);
    }
  }
  const out: Diagnostic[] = [];
  for (const group of seen.values()) {
    for (const mine of group) {
      const account = accountOf.get(mine.file) ?? null;
      const clashes = group.filter((other) => {
        if (other.file === mine.file) return false;
        const theirs = accountOf.get(other.file) ?? null;
        return account === null || theirs === null || account === theirs;
      });
      if (clashes.length === 0) continue;
      const unknown = account === null || clashes.some((c) => accountOf.get(c.file) === null);
      out.push(
        error(
          mine.location,
          unknown
            ? `role "${mine.role}" is also bound in ${clashes.map((c) => at(c.location)).join(', ')}, and the account of one of the files is unknown: set aws.accountId in both, or give the roles different names`
            : `role "${mine.role}" is also bound in ${clashes.map((c) => at(c.location)).join(', ')} for the same AWS account ${account}: bind each role in one file only`,
        ),
      );
    }
  }
  return out;
}

/** The JSON a `strategy.matrix` takes: `{"include": [...]}`. */
export function matrixJson(entries: readonly FleetEntry[]): string {
  return JSON.stringify({ include: entries });
}
