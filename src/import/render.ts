// The imported bindings file as YAML: sorted by role, ServiceAccounts one per line in flow style as
// the examples write them, policies as YAML maps in IAM's key order, and a header that says what
// was imported, what was left out and why, and what to check. Deterministic: the same roles give
// the same bytes. Pure.
import { Document, isMap, isSeq, YAMLMap, type Node } from 'yaml';
import type { ImportedFile } from './bindings.js';

/** Where editors find the schema: a file `workload-identity schema` writes next to the bindings file. */
export const SCHEMA_HINT = '# yaml-language-server: $schema=./workload-identity.schema.json';

export interface ImportNotes {
  /** Problems found between the roles and the clusters' ServiceAccounts. */
  serviceAccountNotes: string[];
}

export function renderImportedFile(
  imported: ImportedFile,
  notes: ImportNotes = { serviceAccountNotes: [] },
): string {
  const model: Record<string, unknown> = { version: 1, owner: imported.owner };
  const aws: Record<string, unknown> = {};
  if (imported.accountId) aws.accountId = imported.accountId;
  if (imported.rolePath) aws.rolePath = imported.rolePath;
  if (Object.keys(aws).length) model.aws = aws;
  model.clusters = Object.fromEntries(
    imported.clusters.map((c) => {
      const entry: Record<string, unknown> = c.controlPlane
        ? { controlPlane: { ...c.controlPlane } }
        : { issuer: c.issuer };
      if ('audience' in c && c.audience) entry.audience = c.audience;
      entry.kubernetes =
        c.kubernetes === false ? false : c.kubernetes.context ? { context: c.kubernetes.context } : {};
      return [c.key, entry];
    }),
  );
  model.bindings = imported.bindings.map((b) => {
    const { arn: _arn, ...binding } = b;
    return binding;
  });

  const doc = new Document(model);
  const bindings = doc.get('bindings', true);
  if (isSeq(bindings)) {
    for (const item of bindings.items) {
      const sas = isMap(item) ? item.get('serviceAccounts', true) : undefined;
      if (isSeq(sas)) for (const sa of sas.items) if (isMap(sa)) (sa as YAMLMap).flow = true;
    }
  }
  const clusters = doc.get('clusters', true);
  if (isMap(clusters))
    for (const pair of clusters.items) {
      const kube = isMap(pair.value) ? (pair.value as YAMLMap).get('kubernetes', true) : undefined;
      if (isMap(kube)) (kube as YAMLMap).flow = true;
    }
  doc.commentBefore = header(imported, notes);
  if (imported.clustersDerived && isMap(clusters))
    (clusters as Node).commentBefore =
      ' Cluster keys were derived from the issuers (no --cluster given): rename them as you like, and\n' +
      ' set kubernetes: {context: NAME} to manage the ServiceAccounts as well.';
  return doc.toString({ lineWidth: 0 });
}

function header(imported: ImportedFile, notes: ImportNotes): string {
  const lines = [
    SCHEMA_HINT.slice(1),
    ' (write the schema next to this file with: workload-identity schema > workload-identity.schema.json)',
    '',
    ` Written by workload-identity import: ${imported.bindings.length} role${imported.bindings.length === 1 ? '' : 's'} adopted as they are in IAM.`,
    ' The first plan should only add ownership (the owner tag, and annotations on the ServiceAccounts);',
    ' read it before you merge. Roles with adopt: true are taken over from whoever made them.',
  ];
  if (imported.skipped.length) {
    lines.push(
      '',
      ` Left out (${imported.skipped.length}): the file format cannot say exactly what they allow.`,
    );
    for (const s of imported.skipped) lines.push(`   ${s.role}: ${s.reason}`);
  }
  if (imported.gainsAudience.length)
    lines.push(
      '',
      ' These roles do not check the token audience (:aud); the first apply adds that check:',
      ...imported.gainsAudience.map((r) => `   ${r}`),
    );
  if (imported.bookkeepingTags.length) {
    lines.push(
      '',
      ' Tags of the tool that made these roles are kept (remove them once that tool is retired):',
    );
    for (const t of imported.bookkeepingTags) lines.push(`   ${t.role}: ${t.keys.join(', ')}`);
  }
  if (notes.serviceAccountNotes.length) {
    lines.push('', ' ServiceAccounts to look at:');
    for (const n of notes.serviceAccountNotes) lines.push(`   ${n}`);
  }
  return lines.join('\n');
}
