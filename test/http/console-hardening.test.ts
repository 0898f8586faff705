// The web console's answers, header by header and word for word: the
// Content-Security-Policy's twelve directives; the hardening headers every
// file and refusal carries; the Content-Type of each servable extension, and
// nothing else of the build served (a symbolic link included, so no path
// outside the build is ever read); its refusals as plain text never stored;
// its redirects with nothing but Location and no-store.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CONTENT_SECURITY_POLICY, ConsoleSite, loadConsoleFiles } from '../../src/http/console.js';
import type { Backend } from '../../src/port/backend.js';

const request = (method: string, headers: Record<string, string> = {}): IncomingMessage => ({ method, headers, socket: { remoteAddress: '10.0.0.1' } }) as unknown as IncomingMessage;

const HARDENING = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

describe('the console answers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-console-hardening-'));
  const outside = mkdtempSync(join(tmpdir(), 'snf-occi-console-outside-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'assets'));
  const served: Record<string, string> = {
    'index.html': 'text/html; charset=utf-8',
    'assets/app-1.js': 'text/javascript; charset=utf-8',
    'assets/app-1.css': 'text/css; charset=utf-8',
    'assets/logo.svg': 'image/svg+xml',
    'manifest.json': 'application/json',
    'robots.txt': 'text/plain; charset=utf-8',
  };
  for (const name of Object.keys(served)) writeFileSync(join(dir, name), `content of ${name}`);
  for (const name of ['assets/app-1.js.map', 'README.md', 'LICENSE', 'assets/app.ts']) writeFileSync(join(dir, name), 'not served');
  writeFileSync(join(outside, 'secret.txt'), 'outside the build');
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'linked.txt'));
  symlinkSync(outside, join(dir, 'linked-dir'));

  test('the Content-Security-Policy: the twelve directives, word for word', () => {
    assert.equal(CONTENT_SECURITY_POLICY, HARDENING['Content-Security-Policy']);
  });

  test('each servable extension with its Content-Type; every other file, and any symbolic link, left out', async () => {
    const files = await loadConsoleFiles(dir);
    const types = Object.fromEntries([...files].map(([path, f]) => [path, f.type]));
    assert.deepEqual(types, Object.fromEntries(Object.entries(served).map(([name, type]) => [`/console/${name === 'index.html' ? '' : name}`, type])));
  });

  test('a file: the hardening headers, its type, ETag and caching, and nothing else', async () => {
    const site = new ConsoleSite({ backend: {} as Backend, secure: false, dir });
    for (const [name, type] of Object.entries(served)) {
      const path = `/console/${name === 'index.html' ? '' : name}`;
      const r = (await site.answer(request('GET'), path))!;
      const { ETag, ...rest } = r.rendered.headers;
      assert.match(String(ETag), /^"[A-Za-z0-9_-]{22}"$/);
      const caching = name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      assert.deepEqual([r.status, r.rendered.body, rest], [200, `content of ${name}`, { ...HARDENING, 'Content-Type': type, 'Cache-Control': caching }], path);
    }
  });

  test('refusals (405, 404, 503 without a build): plain text, hardened, never stored', async () => {
    const site = new ConsoleSite({ backend: {} as Backend, secure: false, dir });
    const refused = { ...HARDENING, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };
    const put = (await site.answer(request('PUT'), '/console/'))!;
    assert.deepEqual([put.status, put.rendered.headers], [405, { ...refused, Allow: 'GET, HEAD' }]);
    const missing = (await site.answer(request('GET'), '/console/linked.txt'))!;
    assert.deepEqual([missing.status, missing.rendered.body, missing.rendered.headers], [404, 'no console file at /console/linked.txt; the console starts at /console/\n', refused]);
    const unbuilt = join(dir, 'no-build-here');
    const none = (await new ConsoleSite({ backend: {} as Backend, secure: false, dir: unbuilt }).answer(request('GET'), '/console/'))!;
    assert.deepEqual([none.status, none.rendered.headers], [503, refused]);
    assert.equal(none.rendered.body, `the web console is not built in this installation: run \`npm run build\` in snf-occi's directory (it writes ${unbuilt}), then reload this page\n`);
  });

  test('redirects: 303 from / for a browser, 301 from /console; only Location and no-store, and no body', async () => {
    const site = new ConsoleSite({ backend: {} as Backend, secure: false, dir });
    for (const [path, status, headers] of [
      ['/', 303, { accept: 'text/html' }],
      ['/console', 301, {}],
    ] as const) {
      for (const method of ['GET', 'HEAD']) {
        const r = (await site.answer(request(method, headers), path))!;
        assert.deepEqual([r.status, r.rendered.headers, r.rendered.body, r.location], [status, { Location: '/console/', 'Cache-Control': 'no-store' }, '', '/console/'], `${method} ${path}`);
      }
    }
  });
});
