// `npm run docs:screenshots`: pictures of real plan comments for the README. Renders the golden
// comments (__tests__/render/golden/*.md, produced by the renderers and checked by the golden tests)
// to HTML with a GitHub-flavoured Markdown renderer (marked, plus GitHub's alert blocks and diff
// colouring), then photographs each page with Debian's headless Chromium into docs/*.png.
//
// Installs nothing. Needs: `chromium` on PATH (Debian: apt-get install -y chromium) and, for the
// emoji in the comments, a colour emoji font (Debian: apt-get install -y fonts-noto-color-emoji).
// Set CHROMIUM=/path/to/chromium to use another binary.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Marked } from 'marked';

const ROOT = join(import.meta.dirname, '..');
const GOLDEN = join(ROOT, '__tests__', 'render', 'golden');
const OUT = join(ROOT, 'docs');
const WIDTH = 920;

/** Which golden comment becomes which picture. */
const SHOTS = [
  { golden: 'add-subject.md', png: 'plan-comment-add-subject.png' },
  { golden: 'destroy.md', png: 'plan-comment-destroy.png' },
  { golden: 'drift.md', png: 'plan-comment-drift.png' },
];

const CHROMIUM = process.env.CHROMIUM ?? 'chromium';
const probe = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.error(
    `docs:screenshots needs Chromium: "${CHROMIUM} --version" failed. On Debian: apt-get install -y chromium fonts-noto-color-emoji (or set CHROMIUM=/path/to/chromium).`,
  );
  process.exit(1);
}
const fonts = spawnSync('fc-list', [':charset=1f4dd'], { encoding: 'utf8' });
if (!fonts.error && fonts.stdout.trim() === '') {
  console.error(
    'warning: no colour emoji font found; emoji will show as boxes. On Debian: apt-get install -y fonts-noto-color-emoji',
  );
}

const ALERTS = { NOTE: 'Note', TIP: 'Tip', IMPORTANT: 'Important', WARNING: 'Warning', CAUTION: 'Caution' };

const escapeHtml = (text) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
  gfm: true,
  renderer: {
    // GitHub's alerts: a blockquote whose first line is [!KIND].
    blockquote({ tokens }) {
      const body = this.parser.parse(tokens);
      const match = /^<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*/.exec(body);
      if (!match) return `<blockquote>${body}</blockquote>\n`;
      const kind = match[1];
      return `<div class="alert alert-${kind.toLowerCase()}"><p class="alert-title">${ALERTS[kind]}</p><p>${body.slice(match[0].length)}</div>\n`;
    },
    // ```diff blocks coloured line by line, as GitHub does.
    code({ text, lang }) {
      if (lang !== 'diff') return `<pre><code>${escapeHtml(text)}</code></pre>\n`;
      const lines = text.split('\n').map((line) => {
        const cls = line.startsWith('+')
          ? 'add'
          : line.startsWith('-')
            ? 'del'
            : line.startsWith('@@')
              ? 'hunk'
              : '';
        return `<span class="${cls}">${escapeHtml(line) || ' '}</span>`;
      });
      return `<pre class="diff"><code>${lines.join('')}</code></pre>\n`;
    },
  },
});

const CSS = `
body { margin: 0; background: #fff; font: 14px/1.5 "DejaVu Sans", "Noto Color Emoji", sans-serif; color: #1f2328; }
.comment { margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
.header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e; border-radius: 6px 6px 0 0; }
.header b { color: #1f2328; }
.body { padding: 16px; }
h3 { font-size: 1.25em; margin: 0 0 12px; }
h4 { font-size: 1em; margin: 20px 0 8px; }
table { border-collapse: collapse; margin: 8px 0 16px; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; text-align: left; vertical-align: top; }
tr:nth-child(2n) td { background: #f6f8fa; }
code { font: 12px/1.45 "DejaVu Sans Mono", "Noto Color Emoji", monospace; background: #eff1f3; padding: 0.2em 0.4em; border-radius: 6px; }
pre { background: #f6f8fa; border-radius: 6px; padding: 12px 16px; overflow: auto; }
pre code { background: none; padding: 0; display: block; }
pre.diff span { display: block; }
pre.diff .add { background: #dafbe1; color: #116329; }
pre.diff .del { background: #ffebe9; color: #82071e; }
pre.diff .hunk { color: #8250df; }
details { margin: 6px 0; }
summary { cursor: pointer; }
hr { border: 0; border-top: 1px solid #d1d9e0; margin: 16px 0; }
sub { color: #59636e; }
.alert { padding: 8px 16px; margin: 0 0 16px; border-left: 4px solid; }
.alert p { margin: 4px 0; }
.alert-title { font-weight: 600; }
.alert-note { border-color: #0969da; } .alert-note .alert-title { color: #0969da; }
.alert-warning { border-color: #9a6700; } .alert-warning .alert-title { color: #9a6700; }
.alert-caution { border-color: #d1242f; } .alert-caution .alert-title { color: #d1242f; }
`;

function page(markdown) {
  const html = marked.parse(markdown.replace(/^<!--.*-->\n/, ''));
  return `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head><body>
<div class="comment"><div class="header"><b>github-actions</b> bot commented</div><div class="body">${html}</div></div>
<script>document.title = 'height:' + Math.ceil(document.documentElement.scrollHeight);</script>
</body></html>`;
}

function chromium(profile, args) {
  return execFileSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
}

const work = mkdtempSync(join(tmpdir(), 'wib-screenshots-'));
try {
  mkdirSync(OUT, { recursive: true });
  for (const shot of SHOTS) {
    const htmlPath = join(work, shot.golden.replace(/\.md$/, '.html'));
    writeFileSync(htmlPath, page(readFileSync(join(GOLDEN, shot.golden), 'utf8')));
    // A fresh, empty profile for every run of the browser.
    const profile = mkdtempSync(join(work, 'profile-'));
    // First pass: lay the page out at the final width and read its height from the title.
    const dom = chromium(profile, [`--window-size=${WIDTH},800`, '--dump-dom', `file://${htmlPath}`]);
    const height = Number(/<title>height:(\d+)<\/title>/.exec(dom)?.[1] ?? 1200);
    const png = join(OUT, shot.png);
    chromium(mkdtempSync(join(work, 'profile-')), [
      `--window-size=${WIDTH},${height}`,
      `--screenshot=${png}`,
      `file://${htmlPath}`,
    ]);
    console.log(`${shot.golden} → docs/${shot.png} (${WIDTH}×${height})`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
