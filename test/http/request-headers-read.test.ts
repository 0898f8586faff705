// How three request headers are read: Authorization only as "<scheme> <token>"
// with Bearer or Basic (R149), no other scheme's value taken for a token; the
// OCCI version of a User-Agent with a major of several digits (R2), and only
// OCCI/1.1 read as 1.1; Accept's best type renders everything it can, and its
// next one only what text/uri-list cannot (D9).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { authRequest } from '../../src/http/credentials.js';
import { rendererFor } from '../../src/http/renderers.js';
import { requestedOcciVersion } from '../../src/http/version-check.js';

describe('Authorization', () => {
  test('R149: a scheme and its token apart, by a space: "BearerT" or "Bearer:x" names no token', () => {
    for (const value of ['BearerT', 'Bearer:x', 'bearer', 'BasicX']) assert.equal(authRequest({ authorization: value }).token, undefined, value);
    assert.equal(authRequest({ authorization: 'Bearer T' }).token, 'T');
  });

  test('R149: a scheme other than Bearer and Basic names no token, even holding what Basic would decode', () => {
    const userSecret = Buffer.from('user:secret').toString('base64');
    for (const scheme of ['Token', 'Digest', 'Negotiate']) assert.equal(authRequest({ authorization: `${scheme} ${userSecret}` }).token, undefined, scheme);
    assert.equal(authRequest({ authorization: `Basic ${userSecret}` }).token, 'secret');
  });
});

describe('the OCCI version of a User-Agent', () => {
  test('R2: a major of several digits is read whole: OCCI/10.0 is above 1.2', () => {
    assert.throws(() => requestedOcciVersion('client OCCI/10.0'), (e: unknown) => e instanceof OcciError && e.status === 501 && e.message.startsWith('OCCI/10.0 is not implemented'));
  });

  test('only OCCI/1.1 is read as 1.1: OCCI/0.1 is answered in 1.2', () => {
    assert.deepEqual(requestedOcciVersion('OCCI/0.1'), { onlyV11: false });
    assert.deepEqual(requestedOcciVersion('OCCI/1.1'), { onlyV11: true });
  });
});

describe('the renderer of the best type, and the next', () => {
  test('a best type other than text/uri-list renders everything itself, whatever comes next', () => {
    for (const [best, next] of [
      ['text/plain', 'application/occi+json'],
      ['application/occi+json', 'text/plain'],
      ['text/occi', 'text/uri-list'],
    ] as const) {
      const r = rendererFor(best, next);
      assert.equal(r.mediaType, best);
      assert.equal(r, rendererFor(best, undefined), `${best}, then ${next}`);
    }
  });

  test('D9: text/uri-list first renders listings, and the next type everything else', () => {
    const r = rendererFor('text/uri-list', 'text/plain');
    assert.equal(r.mediaType, 'text/uri-list, else text/plain');
    assert.equal(r.categories, rendererFor('text/plain', undefined).categories);
    assert.equal(r.locations, rendererFor('text/uri-list', undefined).locations);
    assert.equal(rendererFor('text/uri-list', undefined).mediaType, 'text/uri-list');
  });
});
