// The Control Plane API emulator tests and the demo start: an EmulatorServer (counters, faults) with
// the mk8s handler and a state API for clusters and tokens. Point the product's Control Plane
// client at `emulator.url` as its endpoint (CPLN_ENDPOINT).
import { EmulatorServer } from '../core/server.js';
import { ControlPlaneHandler, type ControlPlaneRequestRecord } from './handler.js';
import { ControlPlaneState, type ClusterInput, type StoredCluster } from './state.js';

export interface ControlPlaneEmulatorOptions {
  /** Clock for created/lastModified (default: the real clock). */
  now?: () => Date;
  /** token → orgs it may read (`*` for every org). */
  tokens?: Record<string, string[]>;
}

export class ControlPlaneEmulator extends EmulatorServer {
  readonly state: ControlPlaneState;
  private readonly controlPlane: ControlPlaneHandler;

  constructor(options: ControlPlaneEmulatorOptions = {}) {
    const state = new ControlPlaneState(options.now);
    const handler = new ControlPlaneHandler(state);
    super('controlplane', handler);
    this.state = state;
    this.controlPlane = handler;
    for (const [token, orgs] of Object.entries(options.tokens ?? {})) state.addToken(token, orgs);
  }

  addToken(token: string, orgs: string[]): void {
    this.state.addToken(token, orgs);
  }

  removeToken(token: string): void {
    this.state.removeToken(token);
  }

  /** Adds a cluster or replaces one with the same org and name (its version goes up). */
  addCluster(input: ClusterInput): StoredCluster {
    return this.state.addCluster(input);
  }

  removeCluster(org: string, name: string): boolean {
    return this.state.removeCluster(org, name);
  }

  /** Requests routed since the last `resetCounters()`, in arrival order, with their org and cluster. */
  get requests(): readonly ControlPlaneRequestRecord[] {
    return this.controlPlane.requests;
  }

  /** How many times `operation` was requested for one cluster since the last reset. */
  countFor(operation: ControlPlaneRequestRecord['operation'], org: string, cluster: string): number {
    return this.controlPlane.requests.filter(
      (r) => r.operation === operation && r.org === org && r.cluster === cluster,
    ).length;
  }

  /** Most requests in progress at once since the last reset. */
  get maxConcurrentRequests(): number {
    return this.controlPlane.maxInFlight;
  }

  /** Holds requests until `size` are in progress together (see ControlPlaneHandler.holdUntilConcurrent). */
  holdUntilConcurrent(size: number, giveUpMs?: number): void {
    this.controlPlane.holdUntilConcurrent(size, giveUpMs);
  }

  releaseHeld(): void {
    this.controlPlane.releaseHeld();
  }

  override resetCounters(): void {
    super.resetCounters();
    this.controlPlane.resetRecords();
  }

  override async stop(): Promise<void> {
    this.controlPlane.releaseHeld();
    await super.stop();
  }

  /** Value of `retry-after` on throttled (429) answers; throttle with setFaults({ rateLimit | throttleRate }). */
  setRetryAfter(seconds: number): void {
    this.controlPlane.retryAfterSeconds = seconds;
  }
}
