// The action's inputs, read and validated in one place (never at import time). Secrets are masked
// first — the GitHub token, the Control Plane token, the kubeconfig and every credential inside it —
// so nothing printed afterwards (including a validation error) can reveal them.
import * as core from '@actions/core';
import { DEFAULT_RUN_TIMEOUT, parseDuration } from '../support/deadline.js';
import { parse } from 'yaml';
import { DEFAULT_BINDINGS_FILE } from '../support/ownership.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../support/concurrency.js';
import { parseWholeNumber } from '../support/numbers.js';

export const MODES = ['auto', 'plan', 'apply', 'drift', 'discover'] as const;
export type RequestedMode = (typeof MODES)[number];

/** Input names as action.yml declares them. */
export const INPUT_NAMES = {
  bindingsFile: 'bindings-file',
  mode: 'mode',
  githubToken: 'github-token',
  kubeconfig: 'kubeconfig',
  cplnToken: 'cpln-token',
  maxConcurrency: 'max-concurrency',
  timeout: 'timeout',
  requireReviewedPlan: 'require-reviewed-plan',
  comment: 'comment',
  commentAuthor: 'comment-author',
  guardrailsFile: 'guardrails-file',
  strict: 'strict',
  bindingsFiles: 'bindings-files',
  changedFrom: 'changed-from',
  planRoleArn: 'plan-role-arn',
  applyRoleArn: 'apply-role-arn',
  driftIssue: 'drift-issue',
  verify: 'verify',
  restart: 'restart',
} as const;

/** Output names as action.yml declares them. */
export const OUTPUT_NAMES = [
  'result',
  'has-changes',
  'plan-id',
  'summary',
  'plan-json',
  'matrix',
  'file-count',
] as const;

export interface ActionInputs {
  bindingsFile: string;
  mode: RequestedMode;
  /** Empty when not given; checked where GitHub is called. */
  githubToken: string;
  /** Kubeconfig YAML; undefined = KUBECONFIG / ~/.kube/config on the runner. */
  kubeconfig?: string;
  cplnToken?: string;
  maxConcurrency: number;
  /** The run's overall limit in milliseconds (input `timeout`, default DEFAULT_RUN_TIMEOUT). */
  timeoutMs: number;
  requireReviewedPlan: boolean;
  comment: boolean;
  /** Login whose comments count as ours; default: found from the token. */
  commentAuthor?: string;
  /** The guardrails file; undefined = next to the bindings file, then the root, else the defaults. */
  guardrailsFile?: string;
  /** Guardrail warnings count as errors. */
  strict: boolean;
  /** discover: glob patterns of bindings files. */
  bindingsFiles: string[];
  /** discover: only files changed since this ref ('' = every file). */
  changedFrom: string;
  /** discover: role ARNs or {accountId} templates ('' = none). */
  planRoleArn: string;
  applyRoleArn: string;
  /** drift: open (and later close) an issue per bindings file that drifted. */
  driftIssue: boolean;
  /** After a successful apply, prove each exact ServiceAccount can assume its role (TokenRequest + STS). */
  verify: boolean;
  /** After a successful apply: `rollout` restarts every group, `none` none, `binding` as each binding says. */
  restart: 'none' | 'binding' | 'rollout';
}

/** What readInputs needs from @actions/core (tests pass their own). */
export interface InputSource {
  getInput(name: string): string;
  getBooleanInput(name: string): boolean;
  setSecret(secret: string): void;
}

const coreSource: InputSource = {
  getInput: (name) => core.getInput(name),
  getBooleanInput: (name) => core.getBooleanInput(name),
  setSecret: (secret) => core.setSecret(secret),
};

const CREDENTIAL_KEYS = new Set([
  'token',
  'password',
  'client-key-data',
  'id-token',
  'refresh-token',
  'access-token',
  'client-secret',
]);

function collectCredentials(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectCredentials(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (CREDENTIAL_KEYS.has(key) && typeof child === 'string' && child.trim()) into.add(child.trim());
      else collectCredentials(child, into);
    }
  }
}

/**
 * Every credential in a kubeconfig: user tokens, passwords, client keys and auth-provider tokens.
 * Lines are scanned too, so a kubeconfig YAML cannot parse still has its tokens masked.
 */
export function kubeconfigSecrets(text: string): string[] {
  const found = new Set<string>();
  try {
    // Silent: yaml otherwise prints warnings (an unknown tag) to stderr with the line they are on.
    const doc: unknown = parse(text, { logLevel: 'silent' });
    if (typeof doc === 'object' && doc !== null)
      collectCredentials((doc as { users?: unknown }).users, found);
  } catch {
    // Unparsable: the line scan below still finds the credentials.
  }
  for (const line of text.split(/\r?\n/)) {
    const match = /^[\s-]*"?([a-z-]+)"?\s*:\s*(.+?)\s*$/.exec(line);
    if (match && CREDENTIAL_KEYS.has(match[1])) {
      // Quotes are stripped one by one: an unterminated "token is still the token.
      const value = match[2].replace(/^["']/, '').replace(/["']$/, '');
      if (value && !/^[|>]/.test(value)) found.add(value);
    }
  }
  return [...found];
}

function restartInput(source: InputSource): ActionInputs['restart'] {
  const raw = source.getInput(INPUT_NAMES.restart).trim();
  if (raw === '') return 'binding';
  if (raw === 'none' || raw === 'rollout') return raw;
  throw new Error(
    `Input "restart" must be none or rollout (or left out: each binding's restart decides), got "${raw}".`,
  );
}

function booleanInput(source: InputSource, name: string, fallback: boolean): boolean {
  if (source.getInput(name).trim() === '') return fallback;
  try {
    return source.getBooleanInput(name);
  } catch {
    throw new Error(`Input "${name}" must be true or false, got "${source.getInput(name).trim()}".`);
  }
}

function timeoutInput(source: InputSource): number {
  const raw = source.getInput(INPUT_NAMES.timeout).trim();
  const ms = parseDuration(raw || DEFAULT_RUN_TIMEOUT);
  if (ms === undefined)
    throw new Error(
      `Input "timeout" must be a duration from 1s to 6h such as 90s, 15m or 1h, got "${raw}". Keep it below the job's timeout-minutes so the step reports what finished.`,
    );
  return ms;
}

function maxConcurrencyInput(source: InputSource): number {
  const raw = source.getInput(INPUT_NAMES.maxConcurrency).trim();
  if (raw === '') return DEFAULT_CONCURRENCY;
  const n = parseWholeNumber(raw, 1, MAX_CONCURRENCY);
  if (n === undefined) {
    throw new Error(
      `Input "max-concurrency" must be a whole number from 1 to ${MAX_CONCURRENCY}, got "${raw}". IAM throttles bursts, so the default ${DEFAULT_CONCURRENCY} suits most accounts.`,
    );
  }
  return n;
}

function modeInput(source: InputSource): RequestedMode {
  const raw = source.getInput(INPUT_NAMES.mode).trim().toLowerCase();
  if (raw === '') return 'auto';
  if (!(MODES as readonly string[]).includes(raw)) {
    throw new Error(
      `Input "mode" must be one of ${MODES.join(', ')}, got "${source.getInput(INPUT_NAMES.mode).trim()}". "auto" plans on pull requests, applies on pushes to the default branch and checks drift on schedule and workflow_dispatch.`,
    );
  }
  return raw as RequestedMode;
}

function bindingsFileInput(source: InputSource): string {
  const raw = source.getInput(INPUT_NAMES.bindingsFile).trim();
  if (raw === '') return DEFAULT_BINDINGS_FILE;
  if (/[\r\n\0]/.test(raw)) {
    throw new Error(
      'Input "bindings-file" must be one path (no line breaks); use one step per bindings file.',
    );
  }
  return raw;
}

function guardrailsFileInput(source: InputSource): string | undefined {
  const raw = source.getInput(INPUT_NAMES.guardrailsFile).trim();
  if (raw === '') return undefined;
  if (/[\r\n\0]/.test(raw)) throw new Error('Input "guardrails-file" must be one path (no line breaks).');
  return raw;
}

function patternsInput(source: InputSource): string[] {
  const raw = source.getInput(INPUT_NAMES.bindingsFiles);
  const patterns = raw
    .split(/[\r\n,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of patterns) {
    if (p.includes('\0') || p.startsWith('/') || p.split('/').includes('..'))
      throw new Error(
        `Input "bindings-files" holds "${p}": give glob patterns relative to the repository root, such as **/workload-identity.yaml.`,
      );
  }
  return patterns;
}

function commentAuthorInput(source: InputSource): string | undefined {
  const raw = source.getInput(INPUT_NAMES.commentAuthor).trim();
  if (raw === '') return undefined;
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/.test(raw)) {
    throw new Error(`Input "comment-author" must be a GitHub login such as "my-app[bot]", got "${raw}".`);
  }
  return raw;
}

/** Reads and checks every input; masks secrets before anything else happens. */
export function readInputs(source: InputSource = coreSource): ActionInputs {
  const githubToken = source.getInput(INPUT_NAMES.githubToken).trim();
  const kubeconfig = source.getInput(INPUT_NAMES.kubeconfig);
  const cplnToken = source.getInput(INPUT_NAMES.cplnToken).trim();
  if (githubToken) source.setSecret(githubToken);
  if (cplnToken) {
    source.setSecret(cplnToken);
    const bare = cplnToken.replace(/^bearer\s+/i, '');
    if (bare !== cplnToken) source.setSecret(bare);
  }
  if (kubeconfig.trim()) {
    source.setSecret(kubeconfig);
    for (const secret of kubeconfigSecrets(kubeconfig)) source.setSecret(secret);
  }

  return {
    bindingsFile: bindingsFileInput(source),
    mode: modeInput(source),
    githubToken,
    kubeconfig: kubeconfig.trim() ? kubeconfig : undefined,
    cplnToken: cplnToken || undefined,
    maxConcurrency: maxConcurrencyInput(source),
    timeoutMs: timeoutInput(source),
    requireReviewedPlan: booleanInput(source, INPUT_NAMES.requireReviewedPlan, true),
    comment: booleanInput(source, INPUT_NAMES.comment, true),
    commentAuthor: commentAuthorInput(source),
    guardrailsFile: guardrailsFileInput(source),
    strict: booleanInput(source, INPUT_NAMES.strict, false),
    bindingsFiles: patternsInput(source),
    changedFrom: source.getInput(INPUT_NAMES.changedFrom).trim(),
    planRoleArn: source.getInput(INPUT_NAMES.planRoleArn).trim(),
    applyRoleArn: source.getInput(INPUT_NAMES.applyRoleArn).trim(),
    driftIssue: booleanInput(source, INPUT_NAMES.driftIssue, true),
    verify: booleanInput(source, INPUT_NAMES.verify, true),
    restart: restartInput(source),
  };
}
