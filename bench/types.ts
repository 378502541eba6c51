// The shape of bench/results/latest.json: every measured figure plus the targets they are judged by.

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
}

/** Calls by operation, as the emulators counted them. */
export type CallCounts = Record<string, number>;

export interface Calls {
  byOperation: CallCounts;
  total: number;
}

export interface BaselineRun {
  /** The baseline child process from spawn to exit (it loads the SDKs unbundled, as a Node process). */
  wallMs: number;
  /** The reads alone, measured inside the baseline process. */
  refreshMs: number;
  /** Terraform resources refreshed (roles, role policies, attachments, providers, ServiceAccounts). */
  resources: number;
  maxRssMb?: number;
  /** Wall time of every repeat when the figure is a median (wallMs is that median). */
  runsMs?: number[];
  iam: Calls;
  kube: Calls;
  rolesRead: number;
}

export type PlanState = 'first' | 'steady';

export interface PlanRun {
  /** `first`: nothing applied yet (every change is a create); `steady`: everything applied. */
  state: PlanState;
  n: number;
  latencyMs: number;
  /** Roles in the account when the plan ran (R). */
  rolesInAccount: number;
  clusters: number;
  wallMs: number;
  /** Wall time of every repeat when the figure is a median (wallMs is that median). */
  runsMs?: number[];
  maxRssMb?: number;
  /** IAM read calls (STS excluded). */
  iamReads: Calls;
  /** ⌈R/1000⌉ + 1 + C. */
  iamReadBound: number;
  kube: Calls;
  changes: number;
  baseline?: BaselineRun;
  /**
   * Baseline wall ÷ plan wall of each alternating pair (plan, then baseline), and their median:
   * the speed-up with its spread.
   */
  ratio?: Spread;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/** Start-up of a 10-binding plan: spawn → first request any emulator saw, and spawn → exit. */
export interface StartupFigures {
  n: number;
  /** `node -e 0` in the same run. */
  nodeMs: Spread;
  cli: { firstRequestMs: Spread; endMs: Spread };
  /** The same plan through the CLI with every cluster `kubernetes: false` (IAM only). */
  cliIamOnly?: { firstRequestMs: Spread; endMs: Spread };
  action: { firstRequestMs: Spread; endMs: Spread };
  /** Which bundle files each kind of run loads, and their total size. */
  loaded?: LoadedFiles[];
}

/** One row of the scaling table: bench/stages.ts in its own process for N bindings. */
export interface ScalingRow {
  n: number;
  serviceAccounts: number;
  fileBytes: number;
  changes: number;
  /** Per stage: the median over the rounds (bench/scaling.ts runs every size several times). */
  ms: Record<string, number>;
  cpuMs: Record<string, number>;
  /** Per stage: the CPU time of every round, in round order. */
  cpuRuns?: Record<string, number[]>;
  errors: Record<string, string>;
}

/** The fleet-size runs: validate, plan and apply through the CLI against the emulators. */
export interface FleetRun {
  label: string;
  n: number;
  serviceAccounts: number;
  fileBytes: number;
  step: 'validate' | 'plan' | 'apply';
  exitCode: number | null;
  wallMs: number;
  maxRssMb?: number;
  changes?: number;
  failures?: number;
  note?: string;
}

export interface ApplyRun {
  n: number;
  /** Mutating IAM calls per second the emulator admits (token bucket). */
  perSecond: number;
  burst: number;
  wallMs: number;
  /** From the first to the last mutating IAM call the emulator received. */
  mutatingWindowMs: number;
  /** Mutating IAM calls the emulator admitted (received minus throttled). */
  admitted: number;
  throttled: number;
  /** admitted / window. */
  achievedPerSecond: number;
  /** admitted / (burst + perSecond × window): the share of the bucket's capacity used. */
  shareOfLimit: number;
  failures: number;
  exitCode: number | null;
  kubeWrites: number;
  /** IAM reads during the run (the re-plan, and waits for IAM's eventual consistency). */
  iamReads: number;
}

/** The bundle files one kind of run loaded (recorded by bench/loaded-probe.mjs). */
export interface LoadedFiles {
  label: string;
  /** Files of the bundle directory, by name. */
  files: string[];
  bytes: number;
}

export interface BundleFigures {
  dir: string;
  /** Every file of the bundle directory and its size in bytes. */
  files: Array<{ name: string; bytes: number }>;
  indexBytes: number;
  /** dist/handlers.js: the action's second bundle, imported by index.js only once a mode runs. */
  handlersBytes: number;
  cliBytes: number;
  coldStart: {
    index: { medianMs: number; runsMs: number[] };
    cli: { medianMs: number; runsMs: number[] };
  };
}

export type TargetStatus = 'PASS' | 'MISS' | 'NOT RUN';

export interface TargetCheck {
  name: string;
  goal: string;
  measured: string;
  status: TargetStatus;
  note?: string;
}

export interface BenchResults {
  date: string;
  mode: 'quick' | 'full';
  machine: Machine;
  /** What `plan` / `apply` ran: the bundle (`dist/cli.js`) or the TypeScript sources. */
  cli: string;
  /** `git rev-parse --short HEAD` of the checkout measured (+ a note when the work tree differs). */
  revision?: string;
  /** Whether the bundle measured equals a fresh build of src/ (undefined: not checked). */
  bundleCurrent?: boolean;
  /** Median wall time of `cli --help`, added to the baseline's reads. */
  cliStartupMs: number;
  plans: PlanRun[];
  applies: ApplyRun[];
  bundle?: BundleFigures;
  startup?: StartupFigures;
  scaling?: ScalingRow[];
  fleet?: FleetRun[];
  /** os.loadavg() (1, 5, 15 minutes) when the run started and when it ended. */
  load: { before: number[]; after: number[] };
  targets: TargetCheck[];
  durationMs: number;
}
