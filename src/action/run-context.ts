// What the runner tells the action about this run: the event and its payload, the commit, the ref,
// the repository, the pull request (if any), the default branch and the run's page. Read from the
// environment explicitly (not at import time) so it can be built for any environment.
import { readFileSync } from 'node:fs';
import type { Repository } from '../github/client.js';

export interface PullRequestRef {
  number: number;
  headSha: string;
  /** `owner/repo` of the head branch; differs from the base repository for forks. */
  headRepo?: string;
  /** The base branch's commit when the event fired (what the guardrails and drift labels compare with). */
  baseSha?: string;
}

export interface RunContext {
  eventName: string;
  sha: string;
  ref: string;
  repository: Repository;
  pullRequest?: PullRequestRef;
  /** The repository's default branch, from the event payload. */
  defaultBranch?: string;
  /** GitHub's REST endpoint (GITHUB_API_URL). */
  apiUrl?: string;
  /** The run's page, where the job summary is shown. */
  runUrl?: string;
  /** A push's `before`: the branch's previous commit (absent for a new branch or another event). */
  pushBefore?: string;
}

type Payload = Record<string, unknown>;

function record(value: unknown): Payload | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Payload)
    : undefined;
}

function readPayload(path: string | undefined): Payload {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the event payload GITHUB_EVENT_PATH=${path}: ${(error as Error).message}`);
  }
  const payload = record(JSON.parse(text));
  if (!payload) throw new Error(`The event payload in ${path} is not a JSON object.`);
  return payload;
}

function pullRequestOf(payload: Payload): PullRequestRef | undefined {
  const pull = record(payload.pull_request);
  if (!pull || typeof pull.number !== 'number') return undefined;
  const head = record(pull.head);
  const headRepo = record(head?.repo);
  const base = record(pull.base);
  const ref: PullRequestRef = {
    number: pull.number,
    headSha: typeof head?.sha === 'string' ? head.sha : '',
    headRepo: typeof headRepo?.full_name === 'string' ? headRepo.full_name : undefined,
  };
  if (typeof base?.sha === 'string' && /^[0-9a-f]{40}$/i.test(base.sha)) ref.baseSha = base.sha;
  return ref;
}

function pushBefore(payload: Payload): { pushBefore?: string } {
  const before = payload.before;
  return typeof before === 'string' && /^[0-9a-f]{40}$/i.test(before) && !/^0+$/.test(before)
    ? { pushBefore: before }
    : {};
}

function repositoryOf(env: NodeJS.ProcessEnv, payload: Payload): Repository {
  const full = env.GITHUB_REPOSITORY ?? (record(payload.repository)?.full_name as string | undefined);
  const [owner, repo, extra] = (full ?? '').split('/');
  if (!owner || !repo || extra !== undefined) {
    throw new Error(
      `GITHUB_REPOSITORY must be "owner/repo", got "${full ?? ''}". Run the action inside GitHub Actions.`,
    );
  }
  return { owner, repo };
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const repository = repositoryOf(env, payload);
  const defaultBranch = record(payload.repository)?.default_branch;
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
  const runUrl = env.GITHUB_RUN_ID
    ? `${server}/${repository.owner}/${repository.repo}/actions/runs/${env.GITHUB_RUN_ID}${attempt > 1 ? `/attempts/${attempt}` : ''}`
    : undefined;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    repository,
    pullRequest: pullRequestOf(payload),
    defaultBranch: typeof defaultBranch === 'string' && defaultBranch ? defaultBranch : undefined,
    apiUrl: env.GITHUB_API_URL || undefined,
    runUrl,
    ...pushBefore(payload),
  };
}
