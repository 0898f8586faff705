// The token digest a connection remembers (token-digest.ts): a client's
// requests on one keep-alive connection hash their token once, and the memo
// never hands one token's digest to another, whatever order tokens come in
// on a connection (a proxy may carry several clients' requests on one).
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { quickDigest } from '../../src/digest.js';
import { sameText } from '../../src/digest.js';
import { tokenDigest } from '../../src/http/token-digest.js';
import { ALICE, BOB, startServer, type TestServer } from '../helpers/server.js';
import { raw } from '../helpers/wire.js';

/** ALICE's token with its last character changed: same length, not valid. */
const FORGED = `${ALICE.slice(0, -1)}X`;

describe('sameText', () => {
  test('equal only when every character is', () => {
    assert.equal(sameText(ALICE, `${ALICE}`), true);
    assert.equal(sameText(ALICE, FORGED), false);
    assert.equal(sameText(`X${ALICE.slice(1)}`, ALICE), false);
    assert.equal(sameText(ALICE, ALICE.slice(0, -1)), false);
    assert.equal(sameText(ALICE.slice(0, -1), ALICE), false, 'a token that begins with the one remembered is another token');
    assert.equal(sameText('', ''), true);
  });
});

describe('tokenDigest', () => {
  test("each token's own digest on one connection, whatever came before it", () => {
    const socket = {} as Socket;
    for (const token of [ALICE, ALICE, BOB, FORGED, ALICE, ALICE.slice(0, -1), ALICE]) assert.equal(tokenDigest(socket, token), quickDigest(token), token);
  });

  test('connections do not share what they remember', () => {
    const one = {} as Socket;
    const two = {} as Socket;
    assert.equal(tokenDigest(one, ALICE), quickDigest(ALICE));
    assert.equal(tokenDigest(two, BOB), quickDigest(BOB));
    assert.equal(tokenDigest(one, BOB), quickDigest(BOB));
    assert.equal(tokenDigest(two, ALICE), quickDigest(ALICE));
  });
});

/** Requests for /-/ on one connection, each with its token; the statuses, in order. */
async function onOneConnection(port: number, tokens: string[]): Promise<number[]> {
  const requests = tokens.map((t, i) => `GET /-/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${t}\r\n${i === tokens.length - 1 ? 'Connection: close\r\n' : ''}\r\n`);
  const out = await raw(port, requests.join(''));
  return [...out.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
}

/** The tenants of the access lines logged so far, in the order of the requests (none for a refused token). */
function tenantsLogged(s: TestServer): Array<string | null> {
  const lines = s.logs.join('').split('\n').filter((l) => l.includes('"msg":"request"'));
  const entries = lines.map((l) => JSON.parse(l) as { reqId: string; tenant?: string });
  // Request ids end in a count of requests (reply.ts); lines may be written out of order.
  entries.sort((a, b) => a.reqId.localeCompare(b.reqId));
  return entries.map((e) => e.tenant ?? null);
}

describe('tokens taking turns on one connection', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  test("each request is its own token's tenant, and a token that differs in its last character is refused", async () => {
    assert.deepEqual(await onOneConnection(s.port, [ALICE, BOB, FORGED, ALICE, ALICE]), [200, 200, 401, 200, 200]);
    assert.deepEqual(tenantsLogged(s), ['alice', 'bob', null, 'alice', 'alice']);
  });
});

describe('the rate limit on one connection', () => {
  let s: TestServer;
  before(
    async () =>
      (s = await startServer((c) => {
        c.rateLimit.perSecond = 0.001; // nothing comes back during the test
        c.rateLimit.burst = 2;
      })),
  );
  after(() => s.close());

  test("each token spends its own bucket, whichever token came before it on the connection", async () => {
    assert.deepEqual(await onOneConnection(s.port, [ALICE, BOB, ALICE, BOB, ALICE, BOB]), [200, 200, 200, 200, 429, 429]);
  });
});
