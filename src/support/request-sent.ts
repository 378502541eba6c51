// Waiting for a request to leave: a caller about to block the event loop (loading a large module)
// lets an HTTP request it has started get onto the wire first, so its round trip overlaps the work.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** undici (Node's fetch, which Octokit uses) publishes each request's headers as they are written. */
const SENT = 'undici:client:sendHeaders';

/**
 * Resolves once a fetch request has been sent (its headers written) or `work` has settled, or
 * after `limitMs`, whichever comes first. Any fetch counts: call it right after starting `work`.
 */
export function sentOrSettled(work: Promise<unknown>, limitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe(SENT, done);
      resolve();
    };
    const timer = setTimeout(done, limitMs);
    subscribe(SENT, done);
    void work.then(done, done);
  });
}
