// IAM tag keys on roles are case-insensitive (case is preserved); on OIDC providers they are
// case-sensitive (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating).
// Lookups take the exact key first and fall back to another spelling, which on a role is the same tag.

export function tagValue(tags: Record<string, string>, key: string): string | undefined {
  if (Object.hasOwn(tags, key)) return tags[key];
  const lower = key.toLowerCase();
  const found = Object.keys(tags).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : tags[found];
}
