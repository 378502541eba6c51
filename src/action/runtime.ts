// What every mode needs: the inputs, the run's context, a GitHub client and our comment author
// (both made on first use, so runs that never talk to GitHub need no token), the AWS/Kubernetes
// session's options, and where the JSON plan goes.
import * as core from '@actions/core';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionOptions } from '../engine/session.js';
import { resolveCommentAuthor } from '../github/author.js';
import { createGitHubClient, type GitHubClient } from '../github/client.js';
import type { GitHubRetryOptions } from '../github/retry.js';
import type { Plan } from '../plan/types.js';
import { renderPlanJson } from '../render/json.js';
import type { ActionInputs } from './inputs.js';
import type { RunContext } from './run-context.js';

export class Runtime {
  readonly inputs: ActionInputs;
  readonly context: RunContext;
  readonly retry: GitHubRetryOptions;
  private client?: GitHubClient;
  private author?: Promise<string>;

  constructor(inputs: ActionInputs, context: RunContext) {
    this.inputs = inputs;
    this.context = context;
    this.retry = {
      onRetry: ({ call, attempt, delayMs, why }) =>
        core.info(
          `GitHub ${call} answered ${why}; retrying in ${Math.round(delayMs / 1000)} s (attempt ${attempt + 1}).`,
        ),
    };
  }

  github(): GitHubClient {
    if (!this.inputs.githubToken) {
      throw new Error(
        'The github-token input is empty: pass `github-token: ${{ github.token }}` (the default) or a token that may read pull requests and write comments.',
      );
    }
    this.client ??= createGitHubClient(this.inputs.githubToken, this.context.apiUrl);
    return this.client;
  }

  /** Login of the comments that count as ours. */
  commentAuthor(): Promise<string> {
    this.author ??= resolveCommentAuthor(this.github(), {
      token: this.inputs.githubToken,
      override: this.inputs.commentAuthor,
      retry: this.retry,
    }).then(({ login, source }) => {
      core.info(
        `Comments by ${login} count as this action's (${source === 'input' ? 'the comment-author input' : source.replace('-', ' ')}).`,
      );
      return login;
    });
    return this.author;
  }

  /** What a Session of this run connects with (plan-step.ts opens it: the engine loads only then). */
  sessionOptions(): SessionOptions {
    return {
      kubeconfigText: this.inputs.kubeconfig,
      controlPlaneToken: this.inputs.cplnToken ?? process.env.CPLN_TOKEN,
      controlPlaneEndpoint: process.env.CPLN_ENDPOINT,
    };
  }

  /** Writes the plan as JSON under RUNNER_TEMP and returns the path. */
  async writePlanJson(plan: Plan): Promise<string> {
    const dir = join(process.env.RUNNER_TEMP || tmpdir(), 'workload-identity-bindings');
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${this.inputs.bindingsFile.replace(/[^A-Za-z0-9._-]+/g, '_')}.plan.json`);
    await writeFile(path, renderPlanJson(plan));
    return path;
  }
}
