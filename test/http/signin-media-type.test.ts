// The console's password sign-in reads its Content-Type as HTTP writes it:
// the media type before the parameters, whitespace around ';' allowed
// (RFC 9110 §8.3.1), any case; anything else, or none, is a 415.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { consoleSignIn, SignInLimiter } from '../../src/http/console-signin.js';
import type { Backend } from '../../src/port/backend.js';

function post(headers: Record<string, string>): IncomingMessage {
  const req = new PassThrough() as unknown as IncomingMessage & PassThrough;
  Object.assign(req, { method: 'POST', headers, socket: { remoteAddress: '10.0.0.2' } });
  req.end(JSON.stringify({ username: 'u', password: 'p' }));
  return req;
}

const backend = { issueToken: async () => ({ token: 'tok-1', expiresAt: Date.UTC(2099, 0, 1) }) } as unknown as Backend;

describe('sign-in Content-Type', () => {
  test('application/json with parameters, spaces before ";", in any case', async () => {
    for (const type of ['application/json', 'application/json ; charset=utf-8', 'Application/JSON;charset=utf-8', 'application/json\t; charset=utf-8']) {
      const r = await consoleSignIn(post({ 'content-type': type }), backend, new SignInLimiter());
      assert.deepEqual([r.status, r.rendered.body], [200, '{"token":"tok-1","expiresAt":"2099-01-01T00:00:00.000Z"}'], type);
    }
  });

  test('another type, or none: 415', async () => {
    for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'application/jsonx' }, {}] as Array<Record<string, string>>) {
      await assert.rejects(consoleSignIn(post(headers), backend, new SignInLimiter()), (e: unknown) => e instanceof OcciError && e.status === 415 && e.message === 'send the sign-in as Content-Type: application/json');
    }
  });
});
