// The web console's server side, without a browser: its files with a strict
// Content-Security-Policy and caching, the redirect of browsers from /, a
// missing build explained, and the password sign-in through Keystone (a fake
// one here; openstack-lite when OS_* is set).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY, ConsoleSite } from '../../src/http/console.js';
import { SignInLimiter } from '../../src/http/console-signin.js';
import type { Backend } from '../../src/port/backend.js';
import { fakeCloud, json, type FakeCloud } from '../openstack/fake-cloud.js';
import { primaryAccount } from '../openstack/os-env.js';
import { startServer, type TestServer } from '../helpers/server.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('console files', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  it('serves the page with a strict CSP and the hardening headers, no token needed', async () => {
    const r = await s.request('GET', '/console/', { token: null, headers: { Accept: BROWSER_ACCEPT } });
    assert.equal(r.status, 200, r.body);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    const csp = String(r.headers['content-security-policy']);
    assert.equal(csp, CONTENT_SECURITY_POLICY);
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) {
      assert.ok(csp.includes(directive), `CSP has ${directive}`);
    }
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, 'no inline code, no eval, no wildcard');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.doesNotMatch(r.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in the page');
    assert.doesNotMatch(r.body, /<style|\sstyle=/, 'no inline style in the page');
    assert.doesNotMatch(r.body, /https?:\/\//, 'nothing from another origin');
  });

  it('serves hashed assets as immutable, answers 304 to a matching ETag, and 404 for anything else', async () => {
    const page = await s.request('GET', '/console/', { token: null });
    const scripts = [...page.body.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(scripts.some((p) => p.endsWith('.js')) && scripts.some((p) => p.endsWith('.css')), `the page loads its script and stylesheet: ${scripts.join(', ')}`);
    for (const path of scripts) {
      const r = await s.request('GET', path, { token: null });
      assert.equal(r.status, 200, path);
      assert.match(String(r.headers['cache-control']), /max-age=31536000, immutable/);
      assert.match(String(r.headers['content-type']), path.endsWith('.js') ? /^text\/javascript/ : path.endsWith('.css') ? /^text\/css/ : /^image\/svg\+xml/);
      const again = await s.request('GET', path, { token: null, headers: { 'If-None-Match': String(r.headers.etag) } });
      assert.equal(again.status, 304);
      assert.equal(again.body, '');
    }
    const missing = await s.request('GET', '/console/assets/nope.js', { token: null });
    assert.equal(missing.status, 404);
    assert.match(missing.body, /no console file at \/console\/assets\/nope\.js; the console starts at \/console\//);
    assert.equal((await s.request('GET', '/console/..%2f..%2fpackage.json', { token: null })).status, 400);
    assert.equal((await s.request('GET', '/console/../package.json', { token: null })).status, 400);
    const post = await s.request('POST', '/console/', { token: null, body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  });

  it('redirects a browser from / to the console; OCCI clients still get the query interface', async () => {
    const browser = await s.request('GET', '/', { token: null, headers: { Accept: BROWSER_ACCEPT } });
    assert.equal(browser.status, 303);
    assert.equal(browser.headers.location, '/console/');
    const bare = await s.request('GET', '/console', { token: null, headers: { Accept: BROWSER_ACCEPT } });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.location, '/console/');
    for (const accept of ['text/plain', 'application/occi+json', '*/*', 'text/plain,text/html', 'application/json, text/html;q=0.5']) {
      const r = await s.request('GET', '/', { headers: { Accept: accept } });
      assert.equal(r.status, 200, `Accept: ${accept}`);
      assert.equal(r.headers.location, undefined);
    }
    assert.equal((await s.request('GET', '/', { token: null, headers: { Accept: 'text/plain' } })).status, 401, 'no token, no redirect: the usual 401');
  });

  it('says whether passwords are taken, and refuses one on the embedded cloud, in words', async () => {
    const get = await s.request('GET', '/console/token', { token: null });
    assert.deepEqual(get.json(), { passwordSignIn: false });
    const post = await s.request('POST', '/console/token', { token: null, headers: { 'Content-Type': 'application/json' }, body: '{"username":"a","password":"b"}' });
    assert.equal(post.status, 404);
    assert.match(post.body, /no user names and passwords: sign in with a token/);
  });
});

describe('console build missing', () => {
  it('answers 503 saying how to build it, and serves the build once it appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snf-occi-console-'));
    rmSync(dir, { recursive: true });
    const site = new ConsoleSite({ backend: {} as Backend, secure: true, dir });
    const req = (path: string) => ({ method: 'GET', url: path, headers: {} }) as unknown as IncomingMessage;
    const missing = await site.answer(req('/console/'), '/console/');
    assert.equal(missing?.status, 503);
    assert.match(missing?.rendered.body ?? '', /not built in this installation: run `npm run build`/);
    assert.equal(await site.answer(req('/compute/'), '/compute/'), undefined, 'OCCI paths are not the console');
    try {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(dir);
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
      writeFileSync(join(dir, 'secret.key'), 'not served');
      const found = await site.answer(req('/console/'), '/console/');
      assert.equal(found?.status, 200);
      assert.equal(found?.rendered.headers['Strict-Transport-Security'], 'max-age=31536000', 'over TLS, browsers keep to HTTPS');
      assert.equal((await site.answer(req('/console/secret.key'), '/console/secret.key'))?.status, 404, 'only known file types are served');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('password sign-in limiter', () => {
  it('allows a few attempts per address per window, then says how long to wait; memory stays bounded', () => {
    const l = new SignInLimiter(3, 60_000, 2);
    assert.deepEqual([l.take('a', 0), l.take('a', 0), l.take('a', 0)], [0, 0, 0]);
    assert.equal(l.take('a', 1000), 59);
    assert.equal(l.take('b', 1000), 0);
    assert.equal(l.take('c', 1000), 60, 'a third address waits while two are remembered and busy');
    assert.equal(l.take('c', 61_000), 0, 'once windows end, their addresses are forgotten');
    assert.equal(l.take('a', 61_000), 0);
  });
});

describe('password sign-in on the OpenStack backend (fake Keystone)', () => {
  let ks: FakeCloud;
  let s: TestServer;
  const signIn = (body: unknown) => s.request('POST', '/console/token', { token: null, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  before(async () => {
    ks = await fakeCloud((req, res) => {
      if (req.method === 'GET' && req.path === '/') return json(res, 300, { versions: { values: [{ id: 'v3.14' }] } });
      if (req.method === 'POST' && req.path === '/v3/auth/tokens') {
        const auth = (req.body as { auth: { identity: { password: { user: { name: string; password: string; domain: { name: string } } } }; scope?: { project: { name: string } } } }).auth;
        const u = auth.identity.password.user;
        if (u.name !== 'alice' || u.password !== 's3cret' || u.domain.name !== 'Default' || auth.scope?.project.name !== 'web') {
          return json(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.' } });
        }
        return json(res, 201, { token: { expires_at: '2099-01-01T00:00:00Z', project: { id: 'p1' } } }, { 'X-Subject-Token': 'tok-alice' });
      }
      return json(res, 404, {});
    });
    s = await startServer((c) => {
      c.backend = 'openstack';
      c.openstack.keystoneUrl = ks.url;
    });
  });
  after(async () => {
    await s.close();
    await ks.close();
  });

  it('offers the password form and trades a password for a token, which is not cached anywhere', async () => {
    assert.deepEqual((await s.request('GET', '/console/token', { token: null })).json(), { passwordSignIn: true });
    const r = await signIn({ username: 'alice', password: 's3cret', project: 'web' });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json(), { token: 'tok-alice', expiresAt: '2099-01-01T00:00:00.000Z' });
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.headers['set-cookie'], undefined, 'no cookie: the token travels in headers only');
    assert.ok(!s.logs.join('').includes('s3cret'), 'the password is not logged');
    assert.ok(!s.logs.join('').includes('tok-alice'), 'the token is not logged');
  });

  it('answers 401 with a clear message on a bad password, never echoing it', async () => {
    const r = await signIn({ username: 'alice', password: 'wrong-password-123', project: 'web' });
    assert.equal(r.status, 401);
    assert.match(r.body, /Keystone refused the user name, password or project; check them/);
    assert.ok(!r.body.includes('wrong-password-123'));
    assert.ok(!s.logs.join('').includes('wrong-password-123'));
  });

  it('refuses bad requests in words: no JSON, missing fields, long fields, other media types, other methods', async () => {
    const bad = async (body: string, type: string, want: number, message: RegExp) => {
      const r = await s.request('POST', '/console/token', { token: null, headers: { 'Content-Type': type }, body });
      assert.equal(r.status, want, body);
      assert.match(r.body, message);
    };
    await bad('username=alice', 'application/json', 400, /not JSON/);
    await bad('{"username":"alice"}', 'application/json', 400, /needs a password/);
    await bad(JSON.stringify({ username: 'a'.repeat(300), password: 'x' }), 'application/json', 400, /username is longer than 255 characters/);
    await bad('{"username":"alice","password":"x"}', 'text/plain', 415, /Content-Type: application\/json/);
    await bad(`{"username":"${'a'.repeat(5000)}"}`, 'application/json', 413, /larger than 4096 bytes/);
    const put = await s.request('PUT', '/console/token', { token: null, body: '{}' });
    assert.equal(put.status, 405);
  });

  it("offers no password form on Synnefo, whose Astakos has no password sign-in", async () => {
    const snf = await startServer((c) => {
      c.backend = 'openstack';
      c.openstack.dialect = 'synnefo';
      c.openstack.keystoneUrl = `${ks.url}/identity/v2.0`;
    });
    try {
      assert.deepEqual((await snf.request('GET', '/console/token', { token: null })).json(), { passwordSignIn: false });
      const r = await snf.request('POST', '/console/token', { token: null, headers: { 'Content-Type': 'application/json' }, body: '{"username":"a","password":"b"}' });
      assert.equal(r.status, 404);
      assert.match(r.body, /sign in with a token/);
    } finally {
      await snf.close();
    }
  });

  it('limits attempts per address: 429 with Retry-After', async () => {
    let last;
    for (let i = 0; i < 12; i++) last = await signIn({ username: 'alice', password: 'nope', project: 'web' });
    assert.equal(last?.status, 429);
    assert.match(String(last?.headers['retry-after']), /^[0-9]+$/);
    assert.match(last?.body ?? '', /too many sign-in attempts from this address; try again in [0-9]+ s/);
  });
});

describe('password sign-in on openstack-lite', () => {
  const account = primaryAccount();
  it('trades the demo password for a token the server then accepts', async (t) => {
    if (!account) return t.skip('no OS_AUTH_URL: source openstack-lite demo-openrc to run against a real Keystone');
    const s = await startServer((c) => {
      c.backend = 'openstack';
      c.openstack.keystoneUrl = account.authUrl;
    });
    try {
      const body = { username: account.username, password: account.password, project: account.project, ...(account.userDomain !== 'Default' ? { domain: account.userDomain } : {}) };
      const r = await s.request('POST', '/console/token', { token: null, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(r.status, 200, r.body);
      const { token } = r.json() as { token: string };
      const qi = await s.request('GET', '/-/', { token, headers: { Accept: 'application/occi+json' } });
      assert.equal(qi.status, 200, qi.body);
      const wrong = await s.request('POST', '/console/token', { token: null, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...body, password: `${account.password}-wrong` }) });
      assert.equal(wrong.status, 401);
      assert.match(wrong.body, /Keystone refused/);
    } finally {
      await s.close();
    }
  });
});
