import { runInNewContext } from 'node:vm';
import { errorMessage } from '../../src/support/errors.js';

test('errorMessage reads the message of an Error from another realm', () => {
  expect(errorMessage(runInNewContext('new TypeError("boom")'))).toBe('boom');
  expect(errorMessage(new Error('here'))).toBe('here');
  expect(errorMessage('plain')).toBe('plain');
  expect(errorMessage({ code: 'X' })).toBe('{"code":"X"}');
});
