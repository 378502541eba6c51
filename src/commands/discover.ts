// `workload-identity discover`: the bindings files of a repository as a GitHub Actions matrix, after
// the checks that make many files safe (no shared owner, no role bound by two files in one account).
import { formatDiagnostic } from '../bindings/diagnostics.js';
import { discoverRepository } from '../engine/discover.js';
import { matrixJson } from '../fleet/discover.js';
import type { CommandIo } from './io.js';

export interface DiscoverOptions {
  root: string;
  patterns: string[];
  changedFrom?: string;
  planRoleTemplate: string;
  applyRoleTemplate: string;
  format: 'json' | 'text';
}

export async function discoverCommand(options: DiscoverOptions, io: CommandIo): Promise<number> {
  const found = await discoverRepository(options);
  for (const d of found.diagnostics) io.err(formatDiagnostic(d));
  for (const p of found.problems) io.err(`error: ${p}`);
  const errors = found.diagnostics.length + found.problems.length;
  if (errors > 0) {
    io.err(
      `discover: ${errors} problem${errors === 1 ? '' : 's'} in ${found.files.length} bindings file${found.files.length === 1 ? '' : 's'}; no matrix written.`,
    );
    return 1;
  }
  if (options.format === 'json') {
    io.out(matrixJson(found.entries));
  } else {
    const of = found.files.length;
    io.out(
      `${found.entries.length} of ${of} bindings file${of === 1 ? '' : 's'}${options.changedFrom !== undefined ? ` changed since ${options.changedFrom}` : ''}:`,
    );
    for (const e of found.entries)
      io.out(`  ${e.path}  owner ${e.owner}  account ${e.accountId ?? '(from credentials)'}`);
  }
  return 0;
}
