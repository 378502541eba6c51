// What a GitHub runner gives the action before it starts: the event payload file, and the empty
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. Shared by the subprocess runner (action-runner.ts)
// and the in-process one (action-in-process.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REPOSITORY = {
  id: 1,
  name: 'infra',
  full_name: 'acme/infra',
  owner: { login: 'acme' },
  default_branch: 'main',
  private: true,
};

/** An opened pull request `number` of acme/infra whose head is `headSha`. */
export function pullRequestEvent(number: number, headSha: string): Record<string, unknown> {
  return {
    action: 'opened',
    number,
    pull_request: {
      number,
      state: 'open',
      merged: false,
      html_url: `https://github.com/acme/infra/pull/${number}`,
      head: { sha: headSha, ref: `change-${number}`, repo: { full_name: 'acme/infra' } },
      base: { sha: '0'.repeat(40), ref: 'main', repo: { full_name: 'acme/infra' } },
    },
    repository: REPOSITORY,
    sender: { login: 'octocat' },
  };
}

/** A push of `sha` to acme/infra's default branch. */
export function pushEvent(sha: string): Record<string, unknown> {
  return { ref: 'refs/heads/main', after: sha, repository: REPOSITORY, sender: { login: 'octocat' } };
}

export interface RunnerFiles {
  eventPath: string;
  outputPath: string;
  summaryPath: string;
}

/** Writes the event payload and empty output and summary files into `dir` (created if needed). */
export function writeRunnerFiles(dir: string, event: Record<string, unknown>): RunnerFiles {
  mkdirSync(dir, { recursive: true });
  const files = {
    eventPath: join(dir, 'event.json'),
    outputPath: join(dir, 'output'),
    summaryPath: join(dir, 'summary.md'),
  };
  writeFileSync(files.eventPath, JSON.stringify(event));
  writeFileSync(files.outputPath, '');
  writeFileSync(files.summaryPath, '');
  return files;
}
