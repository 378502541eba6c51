// The README's "GitHub Action" section must match what it documents: the inputs and outputs tables
// list exactly action.yml's inputs and outputs (with the same defaults), the reusable workflow's
// tables list exactly its workflow_call inputs and secrets, and the example caller workflow shown
// is byte for byte examples/workflows/workload-identity.yml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The text under `heading` (a whole line) up to the next heading of the same or a higher level. */
function section(heading: string, text = readme): string {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`README has no line "${heading}"`);
  const level = heading.indexOf(' ');
  let end = start + 1;
  let fence = false;
  for (; end < lines.length; end++) {
    if (/^(```|````)/.test(lines[end])) fence = !fence;
    const m = /^(#+) /.exec(lines[end]);
    if (!fence && m && m[1].length <= level) break;
  }
  return lines.slice(start + 1, end).join('\n');
}

/** Rows of the Markdown tables in `text` whose first cell is a `code` name, by name. */
function tableRows(text: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^\| `([^`]+)` \|(.*)\|$/.exec(line);
    if (!m) continue;
    if (rows.has(m[1])) throw new Error(`"${m[1]}" is listed twice`);
    rows.set(
      m[1],
      m[2].split(' | ').map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** A default cell: `value` in backticks, or — for none (empty). */
function defaultCell(cell: string): string {
  if (cell === '—') return '';
  const m = /^`([^`]*)`$/.exec(cell);
  if (!m) throw new Error(`default cell "${cell}" is neither \`value\` nor —`);
  return m[1];
}

interface ActionYaml {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, unknown>;
}
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as ActionYaml;
const githubAction = section('## GitHub Action');

test('the inputs table lists exactly action.yml’s inputs, with the same defaults', () => {
  const rows = tableRows(section('### Inputs', githubAction));
  const documented = Object.fromEntries([...rows].map(([name, cells]) => [name, defaultCell(cells[0])]));
  const declared = Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [name, String(input.default ?? '')]),
  );
  expect(documented).toEqual(declared);
});

test('the outputs table lists exactly action.yml’s outputs', () => {
  const rows = tableRows(section('### Outputs', githubAction));
  expect([...rows.keys()].sort()).toEqual(Object.keys(action.outputs).sort());
});

interface WorkflowYaml {
  on: {
    workflow_call: {
      inputs: Record<string, { type: string; default?: string | boolean; required?: boolean }>;
      secrets: Record<string, { required?: boolean }>;
    };
  };
  jobs: Record<string, { permissions: Record<string, string> }>;
}
const workflow = parse(
  readFileSync(join(root, '.github', 'workflows', 'workload-identity.yml'), 'utf8'),
) as WorkflowYaml;
const reusable = section('### Reusable workflow', githubAction);

test('the reusable workflow’s inputs table matches its workflow_call inputs (type, default or required)', () => {
  const rows = tableRows(reusable);
  const { inputs, secrets } = workflow.on.workflow_call;
  const documented = Object.fromEntries(
    [...rows]
      .filter(([name]) => !(name in secrets) && !(name in workflow.jobs))
      .map(([name, [type, fallback]]) => [
        name,
        { type, default: fallback === 'required' ? 'required' : defaultCell(fallback) },
      ]),
  );
  const declared = Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => [
      name,
      { type: input.type, default: input.required ? 'required' : String(input.default ?? '') },
    ]),
  );
  expect(documented).toEqual(declared);
});

test('the reusable workflow’s secrets and jobs tables match the workflow', () => {
  const rows = tableRows(reusable);
  const { secrets } = workflow.on.workflow_call;
  expect([...rows.keys()].filter((name) => name in secrets).sort()).toEqual(Object.keys(secrets).sort());
  const jobs = [...rows].filter(([name]) => name in workflow.jobs);
  expect(jobs.map(([name]) => name).sort()).toEqual(Object.keys(workflow.jobs).sort());
  for (const [name, cells] of jobs) {
    // The permissions cell lists each `scope: level` the job asks for, and nothing else.
    const listed = [...cells[2].matchAll(/`([a-z-]+): ([a-z]+)`/g)].map((m) => `${m[1]}: ${m[2]}`).sort();
    const declared = Object.entries(workflow.jobs[name].permissions)
      .map(([scope, level]) => `${scope}: ${level}`)
      .sort();
    expect({ job: name, permissions: listed }).toEqual({ job: name, permissions: declared });
  }
});

test('the example caller workflow is examples/workflows/workload-identity.yml, byte for byte', () => {
  const example = section('### Example caller workflow', githubAction);
  const block = /^```yaml\n([\s\S]*?)^```$/m.exec(example);
  expect(block).not.toBeNull();
  expect(block![1]).toBe(readFileSync(join(root, 'examples', 'workflows', 'workload-identity.yml'), 'utf8'));
});
