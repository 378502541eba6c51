// The service model's constraints on role names, paths, descriptions, session durations, tags and
// paging, with IAM's wording. Each check returns violation texts; the caller throws them together
// as one ValidationError, as IAM does.
import { invalidInput, limitExceeded, validationError } from './errors.js';
import type { Tag } from './query.js';

export const NAME_PATTERN = '[\\w+=,.@-]+';
const NAME_RE = /^[\w+=,.@-]+$/;
const PATH_PATTERN = '(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)';
const PATH_RE = /^(\/|\/[\u0021-\u007f]+\/)$/;
const DESCRIPTION_PATTERN = '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*';
const DESCRIPTION_RE = /^[\u0009\u000a\u000d\u0020-\u007e\u00a1-\u00ff]*$/;
const TAG_KEY_PATTERN = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+';
const TAG_KEY_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE_PATTERN = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*';
const TAG_VALUE_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_TAGS = 50;

function at(value: string, member: string, constraint: string): string {
  return `Value '${value}' at '${member}' failed to satisfy constraint: Member must ${constraint}`;
}

function lengthBetween(value: string, member: string, min: number, max: number): string[] {
  if (value.length < min) return [at(value, member, `have length greater than or equal to ${min}`)];
  if (value.length > max) return [at(value, member, `have length less than or equal to ${max}`)];
  return [];
}

/** Role names and inline policy names share IAM's `[\w+=,.@-]+` pattern. */
export function checkName(value: string, member: string, max: number): string[] {
  const problems = lengthBetween(value, member, 1, max);
  if (!NAME_RE.test(value))
    problems.push(at(value, member, `satisfy regular expression pattern: ${NAME_PATTERN}`));
  return problems;
}

export function checkPath(value: string, member = 'path'): string[] {
  const problems = lengthBetween(value, member, 1, 512);
  if (!PATH_RE.test(value))
    problems.push(at(value, member, `satisfy regular expression pattern: ${PATH_PATTERN}`));
  return problems;
}

const PATH_PREFIX_PATTERN = '\\u002F[\\u0021-\\u007F]*';
const PATH_PREFIX_RE = /^\/[\u0021-\u007f]*$/;

/** ListRoles' `PathPrefix`: the API model's pattern `\u002F[\u0021-\u007F]*` (starts with "/"). */
export function checkPathPrefix(value: string): string[] {
  const problems = lengthBetween(value, 'pathPrefix', 1, 512);
  if (!PATH_PREFIX_RE.test(value))
    problems.push(at(value, 'pathPrefix', `satisfy regular expression pattern: ${PATH_PREFIX_PATTERN}`));
  return problems;
}

export function checkDescription(value: string): string[] {
  const problems = lengthBetween(value, 'description', 0, 1000);
  if (!DESCRIPTION_RE.test(value))
    problems.push(at(value, 'description', `satisfy regular expression pattern: ${DESCRIPTION_PATTERN}`));
  return problems;
}

export function checkMaxSessionDuration(value: number): string[] {
  if (value < 3600)
    return [at(String(value), 'maxSessionDuration', 'have value greater than or equal to 3600')];
  if (value > 43200)
    return [at(String(value), 'maxSessionDuration', 'have value less than or equal to 43200')];
  return [];
}

export function checkMaxItems(value: number | undefined): string[] {
  if (value === undefined) return [];
  if (value < 1) return [at(String(value), 'maxItems', 'have value greater than or equal to 1')];
  if (value > 1000) return [at(String(value), 'maxItems', 'have value less than or equal to 1000')];
  return [];
}

/** Throws one ValidationError listing every violation, if there are any. */
export function rejectViolations(...groups: string[][]): void {
  const violations = groups.flat();
  if (violations.length > 0) throw validationError(violations);
}

/**
 * How an entity's tag keys compare. IAM documents two rules ("Case sensitivity" under "Naming tags",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating): on roles
 * (and users) keys are "not case sensitive, but case is preserved … If you have tagged a user with
 * the Department=finance tag and you add the department=hr tag, it replaces the first tag. A second
 * tag is not added."; on OpenID Connect providers (and policies, instance profiles, …) keys "are case
 * sensitive … you can have separate Costcenter and costcenter tag keys".
 */
export type TagKeyCase = 'insensitive' | 'sensitive';

const keyOf = (key: string, keyCase: TagKeyCase): string =>
  keyCase === 'insensitive' ? key.toLowerCase() : key;

/** Tags in one request: model limits, then IAM's own rules (no duplicates, no `aws:` keys). */
export function checkTags(tags: Tag[], keyCase: TagKeyCase): void {
  const problems: string[] = [];
  if (tags.length > MAX_TAGS)
    problems.push(
      at(`[${tags.map((t) => t.Key).join(', ')}]`, 'tags', `have length less than or equal to ${MAX_TAGS}`),
    );
  tags.forEach((tag, i) => {
    const n = i + 1;
    problems.push(...lengthBetween(tag.Key, `tags.${n}.member.key`, 1, 128));
    if (!TAG_KEY_RE.test(tag.Key))
      problems.push(
        at(tag.Key, `tags.${n}.member.key`, `satisfy regular expression pattern: ${TAG_KEY_PATTERN}`),
      );
    problems.push(...lengthBetween(tag.Value, `tags.${n}.member.value`, 0, 256));
    if (!TAG_VALUE_RE.test(tag.Value))
      problems.push(
        at(tag.Value, `tags.${n}.member.value`, `satisfy regular expression pattern: ${TAG_VALUE_PATTERN}`),
      );
  });
  rejectViolations(problems);
  const keys = new Set<string>();
  for (const tag of tags) {
    const key = keyOf(tag.Key, keyCase);
    if (keys.has(key))
      throw invalidInput(
        keyCase === 'insensitive'
          ? 'Duplicate tag keys found. Please note that Tag keys are case insensitive.'
          : 'Duplicate tag keys found.',
      );
    keys.add(key);
    // The reserved prefix is refused in any case on every entity.
    if (key.toLowerCase().startsWith('aws:'))
      throw invalidInput(
        "User-defined tag keys can't start with 'aws:'. This prefix is reserved for AWS system-defined tags.",
      );
  }
}

/**
 * Adds or replaces tags. With case-insensitive keys (roles) a new value for `team` replaces the
 * `Team` tag, key spelling included ("it replaces the first tag"); with case-sensitive keys
 * (providers) `team` is a tag of its own. Returns the merged list, or throws LimitExceeded when the
 * entity would carry more than 50 tags.
 */
export function mergeTags(existing: Tag[], added: Tag[], quotaName: string, keyCase: TagKeyCase): Tag[] {
  const merged = existing.map((t) => ({ ...t }));
  for (const tag of added) {
    const index = merged.findIndex((t) => keyOf(t.Key, keyCase) === keyOf(tag.Key, keyCase));
    if (index >= 0) merged[index] = { ...tag };
    else merged.push({ ...tag });
  }
  if (merged.length > MAX_TAGS) throw limitExceeded(`Cannot exceed quota for ${quotaName}: ${MAX_TAGS}`);
  return merged;
}

export function removeTags(existing: Tag[], keys: string[], keyCase: TagKeyCase): Tag[] {
  const removed = new Set(keys.map((k) => keyOf(k, keyCase)));
  return existing.filter((t) => !removed.has(keyOf(t.Key, keyCase)));
}

export function sortedTags(tags: Tag[]): Tag[] {
  return [...tags].sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
}
