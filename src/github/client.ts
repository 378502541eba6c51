// The Octokit client the action uses (REST methods + pagination), pointed at GITHUB_API_URL (GitHub
// Enterprise Server, or the emulator in tests).
//
// Built from @octokit/core and its two plugins, as @actions/github's getOctokit builds it, with
// the same options: `token …` auth, GITHUB_API_URL or api.github.com, the runner's orchestration
// id in the user agent. Not through @actions/github itself: importing it computes, at load, a proxy
// agent and a proxy fetch from @actions/http-client and the npm undici (~780 KB of bundled code,
// evaluated before the action's first request), which this client never used: its `request.fetch`
// (fetchWithTimeout below) replaces getOctokit's defaults whole.
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods';
import { fetchWithTimeout } from '../support/deadline.js';

const GitHub = Octokit.plugin(restEndpointMethods, paginateRest);

export type GitHubClient = InstanceType<typeof GitHub>;

export interface Repository {
  owner: string;
  repo: string;
}

export function createGitHubClient(token: string, baseUrl?: string): GitHubClient {
  const userAgent = orchestrationUserAgent(process.env.ACTIONS_ORCHESTRATION_ID);
  return new GitHub({
    auth: `token ${token}`,
    baseUrl: baseUrl ?? (process.env.GITHUB_API_URL || 'https://api.github.com'),
    ...(userAgent ? { userAgent } : {}),
    // Every request gets requestTimeoutMs() (30 s, or WIB_REQUEST_TIMEOUT): Octokit sets none, so a stalled API would hang the step.
    request: { fetch: fetchWithTimeout() },
  });
}

/** `actions_orchestration_id/ID` (ID with characters outside [a-z0-9_.-] as `_`), as @actions/github adds it. */
export function orchestrationUserAgent(id: string | undefined): string | undefined {
  const trimmed = id?.trim();
  return trimmed ? `actions_orchestration_id/${trimmed.replace(/[^a-z0-9_.-]/gi, '_')}` : undefined;
}
