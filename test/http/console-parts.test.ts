// The web console's routes and password sign-in, part by part, without a
// browser: the sign-in's fields (required, text, at most 255 characters),
// its media type, methods and per-address limit at their edges; the build's
// files (which are served, where, how cached); redirects and refusals.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, test } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { ConsoleSite, loadConsoleFiles, prefersHtml } from '../../src/http/console.js';
import { consoleSignIn, SignInLimiter } from '../../src/http/console-signin.js';
import type { Backend, PasswordLogin } from '../../src/port/backend.js';

/** A request with this method, headers and body, from 10.0.0.1. */
function request(method: string, headers: Record<string, string> = {}, body?: string): IncomingMessage {
  const req = new PassThrough() as unknown as IncomingMessage & PassThrough;
  Object.assign(req, { method, headers, socket: { remoteAddress: '10.0.0.1' } });
  if (body !== undefined) req.end(body);
  return req;
}

/** A backend that issues a token for any login, keeping the last it was given. */
function keystone(): { backend: Backend; last: () => PasswordLogin | undefined } {
  let last: PasswordLogin | undefined;
  const backend = { issueToken: async (l: PasswordLogin) => ((last = l), { token: 'tok-1', expiresAt: Date.UTC(2099, 0, 1) }) } as unknown as Backend;
  return { backend, last: () => last };
}

async function failure(p: Promise<unknown>): Promise<[number, string, Record<string, string>]> {
  return p.then(
    () => assert.fail('accepted'),
    (e: unknown) => {
      assert.ok(e instanceof OcciError, String(e));
      return [e.status, e.message, e.headers];
    },
  );
}

const post = (body: unknown, type = 'application/json'): IncomingMessage => request('POST', { 'content-type': type }, typeof body === 'string' ? body : JSON.stringify(body));

describe('password sign-in', () => {
  test('GET and HEAD say whether passwords are taken', async () => {
    for (const method of ['GET', 'HEAD']) {
      const r = await consoleSignIn(request(method), keystone().backend, new SignInLimiter());
      assert.deepEqual([r.status, r.rendered.body, r.rendered.headers], [200, '{"passwordSignIn":true}', { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }]);
    }
    assert.equal((await consoleSignIn(request('GET'), {} as Backend, new SignInLimiter())).rendered.body, '{"passwordSignIn":false}');
  });

  test('a token for a user name and password; project and domain passed only when given', async () => {
    const { backend, last } = keystone();
    const r = await consoleSignIn(post({ username: 'u', password: 'p', project: '', domain: null }, 'Application/JSON; charset=utf-8'), backend, new SignInLimiter());
    assert.equal(r.rendered.body, '{"token":"tok-1","expiresAt":"2099-01-01T00:00:00.000Z"}');
    assert.deepEqual(last(), { username: 'u', password: 'p' });
    await consoleSignIn(post({ username: 'u', password: 'p', project: 'web', domain: 'Default' }), backend, new SignInLimiter());
    assert.deepEqual(last(), { username: 'u', password: 'p', project: 'web', domain: 'Default' });
  });

  test('fields: required ones present, text, at most 255 characters', async () => {
    const { backend } = keystone();
    const go = (body: unknown) => failure(consoleSignIn(post(body), backend, new SignInLimiter()));
    assert.deepEqual(await go({ password: 'p' }), [400, 'the sign-in needs a username', {}]);
    assert.deepEqual(await go({ username: '', password: 'p' }), [400, 'the sign-in needs a username', {}]);
    assert.deepEqual(await go({ username: 'u', password: null }), [400, 'the sign-in needs a password', {}]);
    assert.deepEqual(await go({ username: 7, password: 'p' }), [400, 'username must be text', {}]);
    assert.deepEqual(await go({ username: 'u', password: 'p', project: ['x'] }), [400, 'project must be text', {}]);
    assert.deepEqual(await go({ username: 'u'.repeat(256), password: 'p' }), [400, 'username is longer than 255 characters', {}]);
    assert.equal((await consoleSignIn(post({ username: 'u'.repeat(255), password: 'p' }), backend, new SignInLimiter())).status, 200, '255 is allowed');
    assert.deepEqual(await go('not json'), [400, 'the sign-in body is not JSON; send {"username": …, "password": …, "project": …}', {}]);
    for (const body of ['[]', 'null', '"text"', '3']) assert.deepEqual(await go(body), [400, 'the sign-in body must be a JSON object with username, password and project', {}], body);
  });

  test('POST only, JSON only, and only where the cloud has passwords', async () => {
    const { backend } = keystone();
    assert.deepEqual(await failure(consoleSignIn(request('PUT'), backend, new SignInLimiter())), [405, 'sign in with POST and a JSON body {"username", "password", "project"}', { Allow: 'GET, POST' }]);
    for (const type of ['text/plain', '']) {
      assert.deepEqual(await failure(consoleSignIn(post({ username: 'u', password: 'p' }, type), backend, new SignInLimiter())), [415, 'send the sign-in as Content-Type: application/json', {}], type);
    }
    const [status, message] = await failure(consoleSignIn(post({}), {} as Backend, new SignInLimiter()));
    assert.equal(status, 404);
    assert.match(message, /has no user names and passwords: sign in with a token/);
  });

  test('a body over 4,096 bytes is a 413', async () => {
    const big = JSON.stringify({ username: 'u', password: 'p', pad: 'x'.repeat(4096) });
    const [status] = await failure(consoleSignIn(request('POST', { 'content-type': 'application/json', 'content-length': String(big.length) }, big), keystone().backend, new SignInLimiter()));
    assert.equal(status, 413);
  });

  test('attempts per address: the limit allowed, one more waits with Retry-After', async () => {
    const limiter = new SignInLimiter(2, 60_000, 100);
    const { backend } = keystone();
    for (let i = 0; i < 2; i++) assert.equal((await consoleSignIn(post({ username: 'u', password: 'p' }), backend, limiter)).status, 200);
    const [status, message, headers] = await failure(consoleSignIn(post({ username: 'u', password: 'p' }), backend, limiter));
    assert.equal(status, 429);
    assert.match(message, /^too many sign-in attempts from this address; try again in (59|60) s$/);
    assert.match(headers['Retry-After']!, /^(59|60)$/);
  });

  test('the window: attempts counted until it ends exactly; a new one then; at least 1 s to wait', () => {
    const l = new SignInLimiter(1, 10_000, 10);
    assert.equal(l.take('a', 0), 0);
    assert.equal(l.take('a', 9_999), 1);
    assert.equal(l.take('a', 5_000), 5);
    assert.equal(l.take('a', 10_000), 0, 'a window ends at its reset time');
    const full = new SignInLimiter(5, 10_000, 1);
    full.take('a', 0);
    assert.equal(full.take('b', 10_000), 0, 'an ended window makes room for a new address');
  });
});

describe('console routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-console-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  writeFileSync(join(dir, 'assets', 'app-1.js'), 'void 0;');
  writeFileSync(join(dir, 'notes.md'), '# not served');

  test('the build: index.html at /console/, assets immutable, other types left out; no index.html is an error', async () => {
    const files = await loadConsoleFiles(dir);
    assert.deepEqual([...files.keys()].sort(), ['/console/', '/console/assets/app-1.js']);
    assert.equal(files.get('/console/')?.immutable, false);
    assert.equal(files.get('/console/assets/app-1.js')?.immutable, true);
    assert.equal(files.get('/console/assets/app-1.js')?.type, 'text/javascript; charset=utf-8');
    assert.match(files.get('/console/')!.etag, /^"[A-Za-z0-9_-]{22}"$/);
    const empty = mkdtempSync(join(tmpdir(), 'snf-occi-console-'));
    await assert.rejects(loadConsoleFiles(empty), { message: `${empty} has no index.html` });
    rmSync(empty, { recursive: true });
  });

  test('browsers sent from / and /console to /console/; OCCI paths left alone', async () => {
    const site = new ConsoleSite({ backend: {} as Backend, secure: false, dir });
    const html = { accept: 'text/html,application/xhtml+xml' };
    assert.deepEqual((await site.answer(request('GET', html), '/'))?.status, 303);
    assert.equal((await site.answer(request('GET', html), '/'))?.location, '/console/');
    assert.equal(await site.answer(request('GET', { accept: 'text/plain,text/html' }), '/'), undefined);
    assert.equal(await site.answer(request('POST', html), '/'), undefined);
    assert.equal((await site.answer(request('HEAD'), '/console'))?.status, 301);
    assert.equal(await site.answer(request('GET'), '/compute/'), undefined);
    assert.deepEqual([site.claims('/'), site.claims('/console'), site.claims('/console/x'), site.claims('/-/'), site.claims('/consoles')], [true, true, true, false, false]);
    assert.equal(prefersHtml(' TEXT/HTML ; q=1'), true);
    assert.equal(prefersHtml(undefined), false);
  });

  test('files: 405 to writes, 404 naming the start, ETag and 304, HSTS over TLS', async () => {
    const site = new ConsoleSite({ backend: {} as Backend, secure: true, dir });
    const put = (await site.answer(request('PUT'), '/console/'))!;
    assert.deepEqual([put.status, put.rendered.body, put.rendered.headers['Allow']], [405, "PUT is not allowed here: the console's files are read with GET\n", 'GET, HEAD']);
    const missing = (await site.answer(request('GET'), `/console/${'x'.repeat(300)}`))!;
    assert.equal(missing.status, 404);
    assert.equal(missing.rendered.body, `no console file at /console/${'x'.repeat(191)}; the console starts at /console/\n`);
    const page = (await site.answer(request('GET'), '/console/'))!;
    assert.deepEqual([page.status, page.rendered.body, page.rendered.headers['Cache-Control']], [200, '<!doctype html>', 'no-cache']);
    assert.equal(page.rendered.headers['Strict-Transport-Security'], 'max-age=31536000');
    assert.equal(page.rendered.headers['X-Frame-Options'], 'DENY');
    const again = (await site.answer(request('GET', { 'if-none-match': String(page.rendered.headers['ETag']) }), '/console/'))!;
    assert.deepEqual([again.status, again.rendered.body], [304, '']);
    const asset = (await site.answer(request('GET'), '/console/assets/app-1.js'))!;
    assert.equal(asset.rendered.headers['Cache-Control'], 'public, max-age=31536000, immutable');
    const plain = (await new ConsoleSite({ backend: {} as Backend, secure: false, dir }).answer(request('GET'), '/console/'))!;
    assert.equal(plain.rendered.headers['Strict-Transport-Security'], undefined);
  });
});
