// Discovery for a repository with many bindings files: list them (git), load and check each one,
// then the cross-file checks (shared owners, shared roles) and the matrix. With a base ref, only
// files that changed since it (or whose guardrails changed) go into the matrix, but the checks still
// cover every file, and a deleted bindings file stops the run: its roles would be left behind.
import { dirname, posix } from 'node:path';
import type { Diagnostic } from '../bindings/diagnostics.js';
import { loadBindingsFile } from '../bindings/load.js';
import type { BindingsFile } from '../bindings/types.js';
import { discoverFleet, type FleetEntry } from '../fleet/discover.js';
import { checkRoleTemplate } from '../fleet/role-template.js';
import { changedSince, listFiles, matchesAny } from '../git/files.js';

export const DEFAULT_DISCOVER_PATTERN = '**/workload-identity.yaml';
/** A guardrails file applies to every bindings file in its folder and below. */
export const GUARDRAILS_FILE = 'workload-identity.guardrails.yaml';

export interface DiscoverRequest {
  /** Repository root; paths are relative to it. */
  root: string;
  patterns: readonly string[];
  /** Put only files changed since this ref into the matrix. */
  changedFrom?: string;
  planRoleTemplate: string;
  applyRoleTemplate: string;
}

export interface Discovery {
  /** Every bindings file found. */
  files: string[];
  /** The files to plan/apply (all, or the changed ones). */
  entries: FleetEntry[];
  /** Positioned problems in the files or between them; any error stops the fan-out. */
  diagnostics: Diagnostic[];
  /** Problems without a position (a deleted bindings file, a bad template). */
  problems: string[];
}

export async function discoverRepository(request: DiscoverRequest): Promise<Discovery> {
  const problems: string[] = [];
  for (const [template, input] of [
    [request.planRoleTemplate, 'plan-role-arn'],
    [request.applyRoleTemplate, 'apply-role-arn'],
  ] as const) {
    const problem = checkRoleTemplate(template, input);
    if (problem) problems.push(problem);
  }
  const paths = await listFiles(request.root, request.patterns);
  const loaded: BindingsFile[] = [];
  const diagnostics: Diagnostic[] = [];
  // Files are small and few (tens): loaded one after another keeps memory flat.
  for (const path of paths) {
    const result = await loadBindingsFile(posix.join(request.root, path).replace(/^\.\//, ''));
    const relativeDiagnostics = result.diagnostics.map((d) => ({ ...d, file: path }));
    diagnostics.push(...relativeDiagnostics.filter((d) => d.severity === 'error'));
    if (result.file) loaded.push({ ...result.file, path, ...relocate(result.file, path) });
  }

  let only: Set<string> | undefined;
  if (request.changedFrom !== undefined) {
    const { changed, deleted } = await changedSince(request.root, request.changedFrom);
    for (const path of [...deleted].filter((p) => matchesAny(p, request.patterns)).sort()) {
      if (changed.has(path)) continue;
      problems.push(
        `${path} was deleted since ${request.changedFrom}: its roles and ServiceAccounts would stay behind with nobody managing them. Restore it with "bindings: []", merge (the apply removes everything it made), then delete the file in a second pull request.`,
      );
    }
    const guardrailDirs = [...changed]
      .filter((p) => posix.basename(p) === GUARDRAILS_FILE)
      .map((p) => dirname(p));
    only = new Set(
      paths.filter((p) => changed.has(p) || guardrailDirs.some((d) => d === '.' || p.startsWith(`${d}/`))),
    );
  }
  const fleet = discoverFleet(loaded, {
    planRoleTemplate: request.planRoleTemplate,
    applyRoleTemplate: request.applyRoleTemplate,
    only,
  });
  return {
    files: paths,
    entries: fleet.entries,
    diagnostics: [...diagnostics, ...fleet.diagnostics],
    problems,
  };
}

/** Locations inside a loaded file, re-pointed at the repository-relative path. */
function relocate(file: BindingsFile, path: string): Partial<BindingsFile> {
  return {
    ...(file.ownerLocation ? { ownerLocation: { ...file.ownerLocation, file: path } } : {}),
    ...(file.awsLocation ? { awsLocation: { ...file.awsLocation, file: path } } : {}),
    bindings: file.bindings.map((b) => ({ ...b, location: { ...b.location, file: path } })),
  };
}
