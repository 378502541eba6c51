// Escaping for Markdown that GitHub renders in pull request comments and job summaries. Every string
// the bindings file or AWS controls (role names, descriptions, tags, policies, paths) goes through
// one of these before it reaches Markdown: no raw HTML, no links or emphasis smuggled in, no
// @mention that pings someone, no backtick run or </details> that breaks out of its block.

/** U+200D after `@` keeps the text readable but stops GitHub from turning it into a mention. */
const ZERO_WIDTH_JOINER = '\u200D';

function oneLine(text: string): string {
  return text.replace(/\r\n?|\n/g, ' ');
}

function defuseMentions(text: string): string {
  return text.replace(/@/g, `@${ZERO_WIDTH_JOINER}`);
}

/** Plain prose inside Markdown: every Markdown punctuation character escaped, HTML as entities. */
export function escapeText(text: string): string {
  const punctuated = oneLine(text).replace(/[\\`*_{}[\]()#+\-.!|~:]/g, (c) => `\\${c}`);
  return defuseMentions(punctuated.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** Text inside raw HTML (a `<summary>`), where Markdown is not parsed but mentions still are. */
export function escapeHtml(text: string): string {
  return defuseMentions(
    oneLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
  );
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * A code span that shows `text` verbatim: delimited by more backticks than any run inside, padded
 * when the text starts or ends with a backtick. Mentions and HTML are inert inside code.
 */
export function inlineCode(text: string): string {
  const flat = oneLine(text);
  if (flat === '') return '` `';
  const ticks = '`'.repeat(longestBacktickRun(flat) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || /^ .* $/.test(flat) ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/**
 * A table cell: GFM splits rows on `|` even inside code spans, so every pipe gets a backslash, which
 * GFM removes again before parsing the cell (also inside code spans).
 */
export function tableCell(markdown: string): string {
  return oneLine(markdown).replace(/\|/g, '\\|');
}

/**
 * A fenced code block whose fence is longer than any backtick run in `content`, so nothing inside
 * can close it early.
 */
export function codeBlock(content: string, language = ''): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
  const body = content.endsWith('\n') ? content : `${content}\n`;
  return `${fence}${language}\n${body}${fence}`;
}

/** The fence codeBlock would use, for callers that emit a block line by line. */
export function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines) longest = Math.max(longest, longestBacktickRun(line));
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * A message written by this tool that quotes user strings: `backticked` parts become code spans,
 * the rest is escaped text. Whatever the user string contains, it ends up inert.
 */
export function escapeProse(text: string): string {
  return oneLine(text)
    .split(/(`[^`]+`)/)
    .map((part, i) => (i % 2 === 1 ? inlineCode(part.slice(1, -1)) : escapeText(part)))
    .join('');
}
