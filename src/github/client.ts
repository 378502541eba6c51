// The Octokit client the action uses: @actions/github's (REST methods + pagination), pointed at
// GITHUB_API_URL (GitHub Enterprise Server, or the emulator in tests).
import { getOctokit } from '@actions/github';
import { fetchWithTimeout } from '../support/deadline.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface Repository {
  owner: string;
  repo: string;
}

export function createGitHubClient(token: string, baseUrl?: string): GitHubClient {
  // Every request gets requestTimeoutMs() (30 s, or WIB_REQUEST_TIMEOUT): Octokit sets none, so a stalled API would hang the step.
  return getOctokit(token, { ...(baseUrl ? { baseUrl } : {}), request: { fetch: fetchWithTimeout() } });
}
