// The action reads a bindings file only from the workspace: a path that resolves, symbolic links
// followed, outside GITHUB_WORKSPACE is refused before anything is read (a pull request could add
// a symlink named like the bindings file that points at /etc/shadow or a runner credential).
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBindingsForAction, outsideWorkspace } from '../../src/action/bindings.js';

const VALID = `version: 1
owner: acme/platform-iam
clusters:
  prod: { issuer: 'https://oidc.example.com/id/ABC' }
bindings:
  - role: s3-reader
    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]
`;

let root: string;
let workspace: string;
let cwd: string;

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'wib-action-path-')));
  workspace = join(root, 'workspace');
  mkdirSync(join(workspace, 'iam'), { recursive: true });
  writeFileSync(join(root, 'secret'), 'root:$6$salt$hash:19700:0:99999:7:::\n');
  writeFileSync(join(root, 'bindings.yaml'), VALID);
  writeFileSync(join(workspace, 'iam', 'bindings.yaml'), VALID);
  symlinkSync(join(root, 'secret'), join(workspace, 'shadow.yaml'));
  symlinkSync(join(root, 'bindings.yaml'), join(workspace, 'outside-valid.yaml'));
  symlinkSync('iam/bindings.yaml', join(workspace, 'inside-link.yaml'));
  writeFileSync(join(workspace, '..dotdot.yaml'), VALID);
  cwd = process.cwd();
  process.chdir(workspace);
});

afterAll(() => process.chdir(cwd));

test.each([
  ['shadow.yaml', 'a symlink to a secret outside the workspace'],
  ['outside-valid.yaml', 'a symlink to a valid bindings file outside the workspace'],
  ['../bindings.yaml', 'a relative path leaving the workspace'],
])('%s (%s) is refused with the resolved path and nothing read', async (path) => {
  const loaded = await loadBindingsForAction(path, workspace);
  expect(loaded.ok).toBe(false);
  expect(loaded.diagnostics).toHaveLength(1);
  expect(loaded.diagnostics[0]).toMatchObject({ severity: 'error', file: path, line: 0 });
  expect(loaded.diagnostics[0].message).toMatch(
    /outside the workspace .* reads bindings files only from the checked-out repository/,
  );
  expect(loaded.diagnostics[0].message).not.toMatch(/\$6\$/);
});

test.each(['iam/bindings.yaml', 'inside-link.yaml', '..dotdot.yaml'])(
  '%s inside the workspace (a symlink within it is fine) loads',
  async (path) => {
    expect(await outsideWorkspace(path, workspace)).toBeUndefined();
    expect((await loadBindingsForAction(path, workspace)).ok).toBe(true);
  },
);
