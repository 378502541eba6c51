// sentOrSettled: the action's plan mode lets the base-file request leave before loading the engine.
// Each case is decided by the order of events, not by timing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sentOrSettled } from '../../src/support/request-sent.js';

test('resolves once the fetch request is on the wire, before its answer', async () => {
  const events: string[] = [];
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    events.push('server got the request');
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const work = fetch(url).then(async (response) => {
      events.push('answered');
      return response.text();
    });
    // A limit no test run reaches. Had the wait ignored the request leaving, it would end only when
    // the answer came, after 'answered'.
    await sentOrSettled(work, 60_000);
    events.push('wait over');
    expect(await work).toBe('ok');
    expect(events.indexOf('wait over')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('wait over')).toBeLessThan(events.indexOf('answered'));
  } finally {
    server.close();
  }
});

test('resolves when the work settles without a request (git had the file), or fails', async () => {
  await expect(sentOrSettled(Promise.resolve('from git'), 60_000)).resolves.toBeUndefined();
  await expect(sentOrSettled(Promise.reject(new Error('no token')), 60_000)).resolves.toBeUndefined();
});

test('gives up after the limit when nothing is sent and nothing settles', async () => {
  const never = new Promise<never>(() => undefined);
  const order: string[] = [];
  const waited = sentOrSettled(never, 20).then(() => order.push('gave up'));
  await waited;
  expect(order).toEqual(['gave up']);
});
