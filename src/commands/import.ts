// `workload-identity import`: writes a bindings file that adopts the IRSA-style roles already in the
// account (made by hand, by eksctl or by Terraform), so the first pull request of a migration plans
// ownership changes only. The file goes to --file or stdout; what was left out goes to stderr too.
import { writeFile } from 'node:fs/promises';
import { loadBindingsText } from '../bindings/load.js';
import { runImport, type ClusterSpec } from '../engine/import.js';
import { Session } from '../engine/session.js';
import { UsageError, type CommandIo } from './io.js';
import { sessionOptionsFromEnv } from './session-options.js';

export interface ImportCommandOptions {
  file?: string;
  owner?: string;
  clusters: string[];
  kubeContexts: string[];
  rolePath?: string;
  namePattern?: string;
}

/** `KEY=https://issuer` or `KEY=controlPlane:ORG/CLUSTER`, with the contexts of `--kube-context KEY=CTX`. */
export function parseClusterSpecs(clusters: string[], contexts: string[]): ClusterSpec[] | undefined {
  const contextOf = new Map<string, string>();
  for (const c of contexts) {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(c);
    if (!m) throw new UsageError(`--kube-context "${c}": write KEY=CONTEXT, e.g. prod=prod-admin`);
    contextOf.set(m[1], m[2]);
  }
  if (clusters.length === 0) {
    if (contextOf.size) throw new UsageError('--kube-context needs --cluster KEY=... for the same KEY');
    return undefined;
  }
  const specs = clusters.map((c): ClusterSpec => {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,62})=(.+)$/.exec(c);
    if (!m)
      throw new UsageError(
        `--cluster "${c}": write KEY=https://ISSUER or KEY=controlPlane:ORG/CLUSTER (KEY: letters, digits, _ . -)`,
      );
    const [, key, value] = m;
    const cp = /^controlPlane:([^/\s]+)\/([^/\s]+)$/.exec(value);
    const context = contextOf.get(key);
    if (cp) return { key, controlPlane: { org: cp[1], cluster: cp[2] }, ...(context ? { context } : {}) };
    if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(value))
      throw new UsageError(
        `--cluster ${key}: "${value}" is not an https issuer URL or controlPlane:ORG/CLUSTER`,
      );
    return { key, issuer: value, ...(context ? { context } : {}) };
  });
  for (const key of contextOf.keys())
    if (!specs.some((s) => s.key === key))
      throw new UsageError(`--kube-context ${key}=…: no --cluster ${key}=…`);
  return specs;
}

export async function importCommand(options: ImportCommandOptions, io: CommandIo): Promise<number> {
  const clusters = parseClusterSpecs(options.clusters, options.kubeContexts);
  const session = new Session(sessionOptionsFromEnv(io.env));
  try {
    const result = await runImport(session, {
      clusters,
      owner: options.owner,
      rolePath: options.rolePath,
      namePattern: options.namePattern,
    });
    if ('error' in result) {
      io.err(`import: ${result.error}`);
      return 1;
    }
    // The file must be one `validate` accepts: a check here, before anything is written.
    const check = loadBindingsText(result.text, options.file ?? 'imported.yaml');
    if (!check.file) {
      for (const d of check.diagnostics) io.err(`${d.file}:${d.line}:${d.col}: ${d.message}`);
      io.err('import: the written file would not be valid; nothing written (please report this).');
      return 1;
    }
    if (options.file) await writeFile(options.file, result.text);
    else io.out(result.text);
    const { bindings, skipped, clustersDerived } = result.imported;
    for (const s of skipped) io.err(`left out ${s.role}: ${s.reason}`);
    io.err(
      `import: ${bindings.length} role${bindings.length === 1 ? '' : 's'} written${options.file ? ` to ${options.file}` : ''}, ${skipped.length} left out${clustersDerived ? '; cluster keys were derived from the issuers (rename them in the file)' : ''}. Next: workload-identity plan${options.file ? ` --file ${options.file}` : ''}`,
    );
    return 0;
  } finally {
    session.close();
  }
}
