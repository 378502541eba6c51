// IAM tag lists as records, sorted by key so equal tag sets always look the same.
import type { Tag } from '@aws-sdk/client-iam';

export function tagRecord(tags: Tag[]): Record<string, string> {
  const entries = tags.map((t): [string, string] => [t.Key ?? '', t.Value ?? '']);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
