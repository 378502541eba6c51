// IAM tag keys on roles and OIDC providers are case-insensitive (case is preserved), so ownership
// checks and tag diffs look keys up ignoring case.

export function tagValue(tags: Record<string, string>, key: string): string | undefined {
  if (Object.hasOwn(tags, key)) return tags[key];
  const lower = key.toLowerCase();
  const found = Object.keys(tags).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : tags[found];
}
