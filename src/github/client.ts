// The Octokit client the action uses: @actions/github's (REST methods + pagination), pointed at
// GITHUB_API_URL (GitHub Enterprise Server, or the emulator in tests).
import { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface Repository {
  owner: string;
  repo: string;
}

export function createGitHubClient(token: string, baseUrl?: string): GitHubClient {
  return getOctokit(token, baseUrl ? { baseUrl } : {});
}
