// The CLI: argument parsing, help and exit codes. Each command lives in src/commands/.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorCount, formatDiagnostic, type InvalidBindingsError } from '../bindings/diagnostics.js';
import { UsageError, type CommandIo } from '../commands/io.js';
import { safeOutput, safeOutputPieces } from '../support/terminal.js';
import type { BaseOption, PlanFormat } from '../commands/plan.js';
import { loadCliCommands } from '../load-cli-commands.js';
import { discoverCommand } from '../commands/discover.js';
import { schemaCommand } from '../commands/schema.js';
import { DEFAULT_DISCOVER_PATTERN } from '../engine/discover.js';
import { validateCommand } from '../commands/validate.js';
import { DEFAULT_RUN_TIMEOUT, parseDuration, REQUEST_TIMEOUT_MS } from '../support/deadline.js';
import { closest } from '../support/suggest.js';
import { errorMessage } from '../support/errors.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../support/concurrency.js';
import { parseWholeNumber } from '../support/numbers.js';
import { DEFAULT_BINDINGS_FILE } from '../support/ownership.js';
import { VERSION } from '../support/version.js';
import { DEFAULT_GUARDRAILS_FILE } from '../guardrails/load.js';
import { useColour } from '../render/colour.js';

const FILE_HELP = `  -f, --file FILE        bindings file (default: ${DEFAULT_BINDINGS_FILE})`;
const GUARDRAILS_HELP = `      --guardrails FILE  guardrails file (default: ${DEFAULT_GUARDRAILS_FILE} next to the bindings
                         file or in the current directory; none found: the built-in defaults)
      --strict           guardrail warnings count as errors`;
const BASE_HELP = `      --base-guardrails FILE  the guardrails file as it was before the change under review; the
                         output lists every rule the change relaxes (a missing FILE means there was none)`;

const HELP: Record<string, string> = {
  main: `workload-identity ${VERSION} — Kubernetes ServiceAccounts bound to AWS IAM roles, from one reviewed file.

Usage: workload-identity <command> [options]

Commands:
  validate   Check the bindings file (offline) and print a summary
  plan       Show what apply would change in IAM and Kubernetes
  apply      Apply a reviewed plan (--plan FILE) or plan and apply (--auto-approve)
  verify     Prove each binding works: a ServiceAccount token exchanged at STS for the role
  schema     Print the JSON Schema of the bindings file
  discover   List the repository's bindings files as a GitHub Actions matrix (many files, accounts)
  import     Write a bindings file that adopts the IRSA roles already in the account

Options:
  -h, --help     Show help (also after a command: workload-identity plan --help)
  -v, --version  Print the version

Environment: AWS credentials and AWS_REGION / AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL_STS as for the
AWS CLI; KUBECONFIG as for kubectl; CPLN_TOKEN and CPLN_ENDPOINT for Control Plane clusters.`,
  validate: `Usage: workload-identity validate [--file FILE] [--guardrails FILE] [--strict] [--base-guardrails FILE]

Checks the bindings file against the schema, IAM/Kubernetes naming rules and the guardrails without
contacting any service. Prints every problem as file:line:col: message. Exit 0 when valid, 1 otherwise
(also when a guardrail with severity error is violated).

${FILE_HELP}
${GUARDRAILS_HELP}
${BASE_HELP}`,
  plan: `Usage: workload-identity plan [--file FILE] [--format text|markdown|json] [--out plan.json] [--detailed-exitcode] [--guardrails FILE] [--strict] [--base-guardrails FILE] [--base-file FILE | --base-ref REF] [--no-color]

Reads IAM and the clusters, compares them with the bindings file and prints the changes apply would make,
led by the Guardrails section. A guardrail error blocks the plan: exit 1, no plan shown or saved.

${FILE_HELP}
${GUARDRAILS_HELP}
${BASE_HELP}
      --format FORMAT    text (default), markdown (the pull-request comment) or json
      --out FILE         also save the plan as JSON, for apply --plan FILE
      --detailed-exitcode  exit 2 when there are changes (0 none, 1 error)
      --timeout DURATION   give up after this long, e.g. 90s, 15m (default ${DEFAULT_RUN_TIMEOUT}; each request also has ${REQUEST_TIMEOUT_MS / 1000} s)
      --base-file FILE   the bindings file as the base branch has it: changes it plans too are
                         labelled drift (they undo edits made outside the file), the rest come
                         from the change under review; a cluster key it has and FILE lacks, with
                         ServiceAccounts bound, is refused until drained
      --base-ref REF     the same, read from git: the file as it is at REF (e.g. origin/main)
      --no-color         no colours in the text plan (also NO_COLOR; FORCE_COLOR forces them;
                         colour is used only when stdout is a terminal)`,
  apply: `Usage: workload-identity apply [--file FILE] (--plan plan.json | --auto-approve) [--format text|json] [--max-concurrency N] [--restart none|rollout] [--guardrails FILE] [--strict] [--base-file FILE | --base-ref REF] [--no-color]

Plans again and applies. With --plan, refuses (exit 1) unless the fresh plan equals the reviewed one.
Checks the guardrails again first: a guardrail error refuses the apply.

${FILE_HELP}
${GUARDRAILS_HELP}
      --plan FILE          the reviewed plan saved by plan --out
      --auto-approve       plan and apply in one go
      --base-file FILE     the bindings file as it was before the change: a cluster key it has and
                           the file lacks, with ServiceAccounts bound, is refused until drained
      --base-ref REF       the same, read from git: the file as it is at REF (e.g. HEAD~1)
      --format FORMAT      text (default) or json report
      --max-concurrency N  independent changes run in parallel (default 8)
      --restart MODE       after a successful apply, rollout = restart every Deployment, StatefulSet
                           and DaemonSet whose ServiceAccount's role changed (as kubectl rollout
                           restart); none = restart nothing; unset = as each binding's restart says
      --timeout DURATION   give up after this long, e.g. 90s, 15m (default ${DEFAULT_RUN_TIMEOUT}); the report
                           then lists exactly which changes finished
      --no-color           no colours in the text plan (also NO_COLOR)`,
  discover: `Usage: workload-identity discover [--pattern GLOB]... [--changed-from REF] [--plan-role-arn ARN] [--apply-role-arn ARN] [--format json|text]

Finds every bindings file (tracked or new files in git; default pattern ${DEFAULT_DISCOVER_PATTERN}),
checks each one and the files together — no two files may share an owner, no role may be bound by
two files in one AWS account — and prints the matrix ({"include": [...]}) for strategy.matrix.
Exit 0 with the matrix, 1 with every problem as file:line:col: message.

      --pattern GLOB         which files are bindings files (repeatable)
      --changed-from REF     only files changed between REF and HEAD (and files whose
                             ${'workload-identity.guardrails.yaml'} changed); the checks still cover all
      --plan-role-arn ARN    role for plans; {accountId} is replaced by the file's aws.accountId
      --apply-role-arn ARN   role for applies, likewise (a file's aws.planRoleArn/applyRoleArn win)
      --format FORMAT        json (default) or text`,
  import: `Usage: workload-identity import [--file out.yaml] [--owner OWNER] [--cluster KEY=ISSUER | --cluster KEY=controlPlane:ORG/CLUSTER]... [--kube-context KEY=CONTEXT]... [--role-path PATH] [--name-pattern GLOB]

Reads every role whose trust policy federates to an OIDC provider (made by hand, by eksctl or by
Terraform) and writes a bindings file that adopts them as they are, so the first plan changes only
ownership. Roles the file cannot express exactly are left out, with the reason, in the file's header
and on stderr. Without --cluster, one cluster per issuer is derived (IAM only); the same IAM reads as
a plan.

      --file FILE              write the file here (default: stdout)
      --owner OWNER            the owner the file stamps (default: the owner tag the roles carry)
      --cluster KEY=ISSUER     only roles trusting these issuers, under these cluster keys (repeatable);
                               KEY=controlPlane:ORG/CLUSTER looks the issuer up (CPLN_TOKEN)
      --kube-context KEY=CTX   manage that cluster's ServiceAccounts through this kubeconfig context
                               and report annotations that do not match the roles
      --role-path PATH         only roles under this IAM path
      --name-pattern GLOB      only roles whose name matches (* and ?)`,
  verify: `Usage: workload-identity verify [--file FILE] [--binding ROLE]... [--sample N] [--format text|json] [--wait SECONDS] [--max-concurrency N]

For each exact ServiceAccount of the bindings, requests a 10-minute token from the cluster
(TokenRequest, audience = the cluster's audience) and calls STS AssumeRoleWithWebIdentity with it for
the role, as a pod would. Prints one line per ServiceAccount: ✓ with the session and its expiry, or ✗
with the likely cause and the fix. Tokens are never printed. Needs "create" on
"serviceaccounts/token" in each cluster; STS needs no AWS credentials (IAM GetRole, used to explain
an AccessDenied, does). Exit 0 when every check passed, 1 otherwise.

${FILE_HELP}
      --binding ROLE       only this binding's role (repeatable)
      --sample N           check at most N ServiceAccounts, spread over the roles
      --format FORMAT      text (default) or json
      --wait SECONDS       keep retrying refusals that IAM propagation explains (default 0)
      --max-concurrency N  checks in flight (default 8)`,
  schema: `Usage: workload-identity schema

Prints the JSON Schema of the bindings file (for editors: yaml-language-server).`,
};

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  file: { type: 'string', short: 'f' },
  format: { type: 'string' },
  out: { type: 'string' },
  'detailed-exitcode': { type: 'boolean' },
  plan: { type: 'string' },
  'auto-approve': { type: 'boolean' },
  'max-concurrency': { type: 'string' },
  pattern: { type: 'string', multiple: true },
  'changed-from': { type: 'string' },
  'plan-role-arn': { type: 'string' },
  'apply-role-arn': { type: 'string' },
  guardrails: { type: 'string' },
  strict: { type: 'boolean' },
  'base-guardrails': { type: 'string' },
  'base-file': { type: 'string' },
  'base-ref': { type: 'string' },
  'no-color': { type: 'boolean' },
  timeout: { type: 'string' },
  owner: { type: 'string' },
  cluster: { type: 'string', multiple: true },
  'kube-context': { type: 'string', multiple: true },
  'role-path': { type: 'string' },
  'name-pattern': { type: 'string' },
  binding: { type: 'string', multiple: true },
  sample: { type: 'string' },
  wait: { type: 'string' },
  restart: { type: 'string' },
} satisfies ParseArgsConfig['options'];

const ALLOWED: Record<string, Array<keyof typeof OPTIONS>> = {
  validate: ['file', 'guardrails', 'strict', 'base-guardrails'],
  plan: [
    'timeout',
    'file',
    'format',
    'out',
    'detailed-exitcode',
    'guardrails',
    'strict',
    'base-guardrails',
    'base-file',
    'base-ref',
    'no-color',
  ],
  apply: [
    'file',
    'plan',
    'auto-approve',
    'format',
    'max-concurrency',
    'guardrails',
    'strict',
    'no-color',
    'timeout',
    'restart',
    'base-file',
    'base-ref',
  ],
  verify: ['file', 'binding', 'sample', 'format', 'wait', 'max-concurrency'],
  schema: [],
  discover: ['pattern', 'changed-from', 'plan-role-arn', 'apply-role-arn', 'format'],
  import: ['file', 'owner', 'cluster', 'kube-context', 'role-path', 'name-pattern'],
};

/** --max-concurrency: the same whole-number rule as the action's input. */
function maxConcurrencyOption(raw: string | undefined): number {
  const max = raw === undefined ? DEFAULT_CONCURRENCY : parseWholeNumber(raw, 1, MAX_CONCURRENCY);
  if (max === undefined)
    throw new UsageError(`--max-concurrency must be an integer from 1 to ${MAX_CONCURRENCY}`);
  return max;
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
  option: string,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${option} must be one of ${allowed.join(', ')} (got "${value}")`);
}

function baseOption(file: string | undefined, ref: string | undefined): BaseOption | undefined {
  if (file !== undefined && ref !== undefined)
    throw new UsageError('give at most one of --base-file FILE and --base-ref REF');
  if (file !== undefined) return { file };
  if (ref !== undefined) return { ref };
  return undefined;
}

function isInvalidBindingsError(error: unknown): error is InvalidBindingsError {
  return (
    error instanceof Error &&
    error.name === 'InvalidBindingsError' &&
    Array.isArray((error as Partial<InvalidBindingsError>).diagnostics)
  );
}

function timeoutOption(value: string | undefined): number {
  const ms = parseDuration(value ?? DEFAULT_RUN_TIMEOUT);
  if (ms === undefined)
    throw new UsageError(
      `--timeout must be a duration from 1s to 6h such as 90s, 15m or 1h (got "${value}")`,
    );
  return ms;
}

/** Commands that read a bindings file (and so take one as their only positional argument). */
const FILE_COMMANDS = new Set(['validate', 'plan', 'apply', 'verify']);

/** parseArgs' complaint in our words: an unknown option gets its "did you mean". */
function argumentProblem(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = errorMessage(error);
  const option = /'(-[^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const name = option.replace(/^-+/, '').split('=')[0];
    const known = Object.keys(OPTIONS);
    // Swapped letters (--fiel) are the commonest slip and cost two edits: count them as one.
    const sorted = (w: string) => [...w].sort().join('');
    const match = closest(name, known) ?? known.find((k) => sorted(k) === sorted(name));
    return `Unknown option '${option}'${match ? ` — did you mean --${match}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return `${option} needs a value, e.g. ${option} ${option.includes('file') ? 'workload-identity.yaml' : 'VALUE'}`;
  }
  return message;
}

/**
 * Lines up the descriptions of every block of option lines in a help text at one column (the
 * blocks grew one option at a time; a ragged column is hard to scan). Continuation lines move too.
 */
export function alignHelp(text: string): string {
  const lines = text.split('\n');
  const option = /^(\s+-\S.*?\S)\s{2,}(\S.*)$/;
  let i = 0;
  while (i < lines.length) {
    if (!option.test(lines[i])) {
      i += 1;
      continue;
    }
    let end = i;
    const block: Array<{ index: number; head?: string; text: string; oldColumn: number }> = [];
    while (end < lines.length && (option.test(lines[end]) || /^\s{6,}\S/.test(lines[end]))) {
      const m = option.exec(lines[end]);
      if (m)
        block.push({ index: end, head: m[1], text: m[2], oldColumn: lines[end].indexOf(m[2], m[1].length) });
      else block.push({ index: end, text: lines[end].trim(), oldColumn: lines[end].search(/\S/) });
      end += 1;
    }
    const column = Math.max(...block.filter((b) => b.head).map((b) => b.head!.length)) + 2;
    let previousOld = column;
    for (const b of block) {
      if (b.head) {
        previousOld = b.oldColumn;
        lines[b.index] = b.head.padEnd(column) + b.text;
      } else {
        // A continuation keeps its offset from the description it continues.
        lines[b.index] = ' '.repeat(Math.max(column, column + b.oldColumn - previousOld)) + b.text;
      }
    }
    i = end;
  }
  return lines.join('\n');
}

export function runCli(argv: string[], io: CommandIo): Promise<number> {
  // Our colour is kept exactly when a command would colour its output.
  const colour = useColour({ noColorFlag: argv.includes('--no-color'), env: io.env, isTTY: io.isTTY });
  return runCommand(argv, safeIo(io, colour));
}

/**
 * Every line the CLI prints goes through safeOutput: user strings (names, issuers, descriptions,
 * what AWS or Kubernetes hold) can carry ESC, BEL or a leading `::`, which would act on the
 * terminal or, in a workflow step, be read by the runner as a command.
 */
function safeIo(io: CommandIo, colour: boolean): CommandIo {
  const outPieces = io.outPieces?.bind(io);
  return {
    out: (text) => io.out(safeOutput(text, { colour })),
    ...(outPieces && {
      outPieces: (pieces: Iterable<string>) => outPieces(safeOutputPieces(pieces, { colour })),
    }),
    err: (text) => io.err(safeOutput(text)),
    env: io.env,
    get isTTY() {
      return io.isTTY;
    },
  };
}

async function runCommand(argv: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${argumentProblem(error)}\nRun workload-identity --help for usage.`);
    return 1;
  }
  const { positionals } = parsed;
  const values: typeof parsed.values = { ...parsed.values };
  const command = positionals[0];
  if (values.version) {
    io.out(VERSION);
    return 0;
  }
  if (!command || (values.help && !HELP[command])) {
    (command || values.help ? io.out : io.err)(HELP.main);
    return command || values.help ? 0 : 1;
  }
  if (!HELP[command]) {
    io.err(
      `Unknown command "${command}". Commands: validate, plan, apply, verify, schema, discover, import. Run workload-identity --help.`,
    );
    return 1;
  }
  if (values.help) {
    io.out(alignHelp(HELP[command]));
    return 0;
  }
  try {
    if (positionals.length > 1) {
      const extra = positionals[1];
      // `validate work.yaml` means what it says; a second word or a .json file is a mistake.
      const isBindings = /\.ya?ml$/i.test(extra) && FILE_COMMANDS.has(command);
      if (positionals.length === 2 && isBindings && values.file === undefined) values.file = extra;
      else
        throw new UsageError(
          `unexpected argument "${extra}"${
            command === 'apply' && /\.json$/i.test(extra)
              ? ` — to apply a saved plan, write --plan ${extra}`
              : FILE_COMMANDS.has(command)
                ? ` — to name the bindings file, write --file ${extra}`
                : ''
          }`,
        );
    }
    for (const key of Object.keys(values) as Array<keyof typeof OPTIONS>) {
      if (!ALLOWED[command].includes(key)) throw new UsageError(`--${key} is not an option of ${command}`);
    }
    const file = values.file ?? DEFAULT_BINDINGS_FILE;
    const guardrails = {
      guardrailsPath: values.guardrails,
      strict: values.strict ?? false,
      baseGuardrailsPath: values['base-guardrails'],
    };
    switch (command) {
      case 'validate':
        return await validateCommand(file, io, guardrails);
      case 'schema':
        return schemaCommand(io);
      case 'discover':
        return await discoverCommand(
          {
            root: '.',
            patterns: values.pattern?.length ? values.pattern : [DEFAULT_DISCOVER_PATTERN],
            changedFrom: values['changed-from'],
            planRoleTemplate: values['plan-role-arn'] ?? '',
            applyRoleTemplate: values['apply-role-arn'] ?? '',
            format: oneOf(values.format, ['json', 'text'] as const, 'json', 'format'),
          },
          io,
        );
      case 'import':
        return await (
          await loadCliCommands()
        ).importCommand(
          {
            file: values.file,
            owner: values.owner,
            clusters: values.cluster ?? [],
            kubeContexts: values['kube-context'] ?? [],
            rolePath: values['role-path'],
            namePattern: values['name-pattern'],
          },
          io,
        );
      case 'verify': {
        const sample =
          values.sample === undefined ? undefined : parseWholeNumber(values.sample, 1, 1_000_000);
        if (values.sample !== undefined && sample === undefined)
          throw new UsageError('--sample must be a whole number of ServiceAccounts, at least 1');
        const wait = values.wait === undefined ? 0 : parseWholeNumber(values.wait, 0, 900);
        if (wait === undefined)
          throw new UsageError('--wait must be a whole number of seconds from 0 to 900');
        const max = maxConcurrencyOption(values['max-concurrency']);
        return await (
          await loadCliCommands()
        ).verifyCommand(
          {
            file,
            roles: values.binding ?? [],
            sample,
            format: oneOf(values.format, ['text', 'json'] as const, 'text', 'format'),
            concurrency: max,
            settleMs: wait * 1000,
          },
          io,
        );
      }
      case 'plan':
        return await (
          await loadCliCommands()
        ).planCommand(
          {
            timeoutMs: timeoutOption(values.timeout),
            file,
            format: oneOf<PlanFormat>(values.format, ['text', 'markdown', 'json'], 'text', 'format'),
            out: values.out,
            detailedExitCode: values['detailed-exitcode'] ?? false,
            guardrails,
            base: baseOption(values['base-file'], values['base-ref']),
            color: useColour({ noColorFlag: values['no-color'], env: io.env, isTTY: io.isTTY }),
          },
          io,
        );
      default: {
        if (!values.plan === !values['auto-approve'])
          throw new UsageError('apply needs exactly one of --plan FILE (a reviewed plan) or --auto-approve');
        const max = maxConcurrencyOption(values['max-concurrency']);
        return await (
          await loadCliCommands()
        ).applyCommand(
          {
            timeoutMs: timeoutOption(values.timeout),
            // Unset: apply --plan re-plans the file the plan records.
            file: values.file,
            planPath: values.plan,
            autoApprove: values['auto-approve'] ?? false,
            base: baseOption(values['base-file'], values['base-ref']),
            format: oneOf(values.format, ['text', 'json'] as const, 'text', 'format'),
            maxConcurrency: max,
            guardrails,
            color: useColour({ noColorFlag: values['no-color'], env: io.env, isTTY: io.isTTY }),
            // Unset: each binding's `restart` decides.
            restart:
              values.restart === undefined
                ? 'binding'
                : oneOf(values.restart, ['none', 'rollout'] as const, 'none', 'restart'),
          },
          io,
        );
      }
    }
  } catch (error) {
    // By name, not instanceof: plan and apply run in dist/cli-commands.js, a separate bundle with
    // its own copy of the class.
    if (isInvalidBindingsError(error)) {
      for (const d of error.diagnostics) io.err(formatDiagnostic(d));
      const n = errorCount(error.diagnostics);
      io.err(`${n} error${n === 1 ? '' : 's'} in the bindings file; nothing was contacted or changed.`);
    } else if (error instanceof UsageError) {
      io.err(`${error.message}\nRun workload-identity ${command} --help for usage.`);
    } else {
      io.err(`Error: ${errorMessage(error)}`);
    }
    return 1;
  }
}
