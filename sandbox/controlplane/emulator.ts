// The Control Plane API emulator tests and the demo start: an EmulatorServer (counters, faults) with
// the mk8s handler and a state API for clusters and tokens. Point the product's Control Plane
// client at `emulator.url` as its endpoint (CPLN_ENDPOINT).
import { EmulatorServer } from '../core/server.js';
import { ControlPlaneHandler } from './handler.js';
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

  /** Value of `retry-after` on throttled (429) answers; throttle with setFaults({ rateLimit | throttleRate }). */
  setRetryAfter(seconds: number): void {
    this.controlPlane.retryAfterSeconds = seconds;
  }
}
