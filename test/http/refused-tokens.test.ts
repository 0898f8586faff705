// The memory of refused tokens (auth-guard.ts): a refusal is remembered for
// its token and project, so a token refused for one project is asked about
// again for another, where it may be good; the memory is bounded in bytes as
// well as in entries (maxClients refusals, maxClients × 512 bytes), each
// refusal counting its message, so long refusals take their room (R149).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OcciError, unauthorized } from '../../src/errors.js';
import { AuthGuard } from '../../src/http/auth-guard.js';
import type { AuthRequest, Backend, Credentials } from '../../src/port/backend.js';

const LIMIT = { perSecond: 0, burst: 1, maxClients: 4, failedAuthPerMinute: 600, failedAuthBurst: 100, failedAuthCacheMs: 60_000 };

/** A backend refusing every token with `message`, but `good` for project `web`; it counts the questions. */
function keystone(message: string): { backend: Backend; asked: () => number } {
  let asked = 0;
  const backend = {
    authenticate: async (req: AuthRequest): Promise<Credentials> => {
      asked++;
      if (req.token === 'good' && req.project === 'web') return { token: 'good', tenant: 'web' } as Credentials;
      throw unauthorized(message, 'Keystone uri="http://k"');
    },
  } as unknown as Backend;
  return { backend, asked: () => asked };
}

const outcome = (p: Promise<Credentials>): Promise<string | number> =>
  p.then(
    (c) => c.tenant,
    (e: unknown) => {
      assert.ok(e instanceof OcciError, String(e));
      return e.status;
    },
  );

describe('refused tokens, remembered', () => {
  test('R149: per token and project: refused for one project, the same token is asked about for another, and may be good there', async () => {
    const { backend, asked } = keystone('the token was refused');
    const guard = new AuthGuard(backend, LIMIT, () => 0);
    assert.equal(await outcome(guard.authenticate({ token: 'good', project: 'db' }, 'a1')), 401);
    assert.equal(await outcome(guard.authenticate({ token: 'good', project: 'db' }, 'a1')), 401);
    assert.equal(asked(), 1, 'remembered for db');
    assert.equal(await outcome(guard.authenticate({ token: 'good', project: 'web' }, 'a1')), 'web');
    assert.equal(asked(), 2, 'web is another question');
    assert.equal(await outcome(guard.authenticate({ token: 'good', project: 'ops' }, 'a1')), 401);
    assert.equal(asked(), 3, 'and so is ops');
  });

  test('short refusals: as many as maxClients are kept', async () => {
    const { backend } = keystone('no');
    const guard = new AuthGuard(backend, LIMIT, () => 0);
    for (const token of ['t1', 't2', 't3', 't4', 't5']) await outcome(guard.authenticate({ token }, 'a1'));
    assert.equal(guard.usage.refusedTokens, 4);
  });

  test('long refusals take their room: at 850 characters a message, one fits in 4 × 512 bytes', async () => {
    const { backend, asked } = keystone(`the token was refused: ${'x'.repeat(827)}`);
    const guard = new AuthGuard(backend, LIMIT, () => 0);
    for (const token of ['t1', 't2', 't3']) await outcome(guard.authenticate({ token }, 'a1'));
    assert.equal(guard.usage.refusedTokens, 1, 'the memory is bounded in bytes');
    await outcome(guard.authenticate({ token: 't3' }, 'a1'));
    assert.equal(asked(), 3, 'the last one is the one kept');
    await outcome(guard.authenticate({ token: 't1' }, 'a1'));
    assert.equal(asked(), 4, 'the first was let go');
  });

  test('at 300 characters a message, two fit', async () => {
    const { backend } = keystone(`the token was refused: ${'x'.repeat(277)}`);
    const guard = new AuthGuard(backend, LIMIT, () => 0);
    for (const token of ['t1', 't2', 't3', 't4']) await outcome(guard.authenticate({ token }, 'a1'));
    assert.equal(guard.usage.refusedTokens, 2);
  });
});
