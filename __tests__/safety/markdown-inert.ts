// A checker for GitHub-flavoured Markdown built from hostile input: it splits a document into prose
// and fenced code blocks the way GFM does, and reports everything that would not be inert — raw
// HTML outside the few tags the renderer itself writes, @mentions, live javascript: links,
// unbalanced <details> or fences, table rows with extra cells, Mermaid labels that break out.

export interface FencedBlock {
  info: string;
  lines: string[];
}

export interface SplitMarkdown {
  prose: string[];
  blocks: FencedBlock[];
  /** A fence was opened and never closed. */
  unclosed: boolean;
}

export function splitMarkdown(markdown: string): SplitMarkdown {
  const prose: string[] = [];
  const blocks: FencedBlock[] = [];
  let open: { char: string; length: number; block: FencedBlock } | undefined;
  for (const line of markdown.split('\n')) {
    if (open) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1][0] === open.char && close[1].length >= open.length) {
        blocks.push(open.block);
        open = undefined;
      } else {
        open.block.lines.push(line);
      }
      continue;
    }
    const start = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (start && !(start[1][0] === '`' && start[2].includes('`'))) {
      open = { char: start[1][0], length: start[1].length, block: { info: start[2].trim(), lines: [] } };
      continue;
    }
    prose.push(line);
  }
  return { prose, blocks, unclosed: open !== undefined };
}

/** Prose with GFM code spans removed (a run of n backticks up to the next run of exactly n). */
export function withoutCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] === '\\' && i + 1 < line.length) {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] !== '`') {
      out += line[i];
      i += 1;
      continue;
    }
    let n = 0;
    while (line[i + n] === '`') n += 1;
    const rest = line.slice(i + n);
    const close = new RegExp(`(^|[^\`])\`{${n}}(?!\`)`).exec(rest);
    if (!close) {
      out += '`'.repeat(n);
      i += n;
      continue;
    }
    out += ' CODE ';
    i += n + close.index + close[1].length + n;
  }
  return out;
}

/** The HTML the renderers write themselves; anything else in prose is a leak. */
const OWN_TAGS = /<\/?(details|summary|br|sub|sup|b|strong|em|code|p|hr)( open)?\s*\/?>|<!--[^]*?-->/g;

/** Problems that would make hostile input live in GitHub's rendering; empty when inert. */
export function markdownProblems(markdown: string): string[] {
  const problems: string[] = [];
  const { prose, blocks, unclosed } = splitMarkdown(markdown);
  if (unclosed) problems.push('a fenced code block is never closed');
  let depth = 0;
  let tableCells: number | undefined;
  prose.forEach((raw, index) => {
    const line = withoutCodeSpans(raw);
    const where = `prose line ${index + 1}: ${raw.slice(0, 160)}`;
    const html = line.replace(OWN_TAGS, (tag) => {
      if (/^<details/.test(tag)) depth += 1;
      if (/^<\/details/.test(tag)) depth -= 1;
      if (depth < 0) problems.push(`</details> closes a block it did not open — ${where}`);
      return ' ';
    });
    if (/<[A-Za-z/!?]/.test(html)) problems.push(`raw HTML — ${where}`);
    if (/(^|[^A-Za-z0-9_`\\&/])@[A-Za-z0-9]/.test(html)) problems.push(`@mention — ${where}`);
    if (/\]\(\s*(javascript|data|vbscript):/i.test(html)) problems.push(`live script link — ${where}`);
    if (/\]:\s*(javascript|data|vbscript):/i.test(html))
      problems.push(`link reference definition — ${where}`);
    if (/^\s*\|/.test(raw)) {
      const cells = raw.replace(/\\\|/g, '').split('|').length;
      if (tableCells === undefined) tableCells = cells;
      else if (cells !== tableCells)
        problems.push(`table row with ${cells - 2} cells instead of ${tableCells - 2} — ${where}`);
    } else {
      tableCells = undefined;
    }
  });
  if (depth !== 0) problems.push(`${depth} <details> left open`);
  for (const block of blocks.filter((b) => b.info === 'mermaid'))
    problems.push(...mermaidProblems(block.lines));
  return problems;
}

/** Every label quoted, nothing inside a label that Mermaid or the browser would interpret. */
export function mermaidProblems(lines: readonly string[]): string[] {
  const problems: string[] = [];
  for (const line of lines) {
    const labels = line.match(/"[^"]*"/g) ?? [];
    const structure = line.replace(/"[^"]*"/g, '""');
    if (structure.includes('"""')) problems.push(`adjacent quotes: ${line}`);
    if (/"/.test(structure.replace(/""/g, ''))) problems.push(`unbalanced quote: ${line}`);
    if (!/^[\w\s\-[\](){}>.=:;,#%|&"]*$/.test(structure))
      problems.push(`unexpected syntax outside labels: ${line}`);
    if (/javascript|onerror|script|click|href|call /i.test(structure))
      problems.push(`directive outside labels: ${line}`);
    for (const label of labels) {
      if (/[<>`]/.test(label.slice(1, -1))) problems.push(`label with raw < > or backtick: ${label}`);
    }
  }
  return problems;
}
