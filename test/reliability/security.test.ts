// Security properties under hostile input: error bodies carry a message and
// a request id, never a stack trace or a file path; CR/LF in titles,
// locations and echoed input never becomes a header; paths that could
// smuggle another path or host are refused; per-request limits answer the
// right 4xx and change nothing; tokens never reach the log.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/app.js';
import { openLocalCloud } from '../../src/backends/local/index.js';
import { defaults } from '../../src/config/config.js';
import { createOcciServer } from '../../src/http/server.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';
import { formatRequest, sendOnce, type RawReply } from '../../scripts/support/raw-http.js';
import { ALICE, BOB, COMPUTE_KIND, INFRA, locations, pathOf, startServer, type Reply, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const JSON_TYPE = 'application/occi+json';
const ACCEPTS = ['text/plain', 'text/occi', 'text/uri-list', JSON_TYPE];
/** What a leaked stack trace or source location looks like. */
const STACK = /\.(?:[cm]?js|ts):\d+(?::\d+)?|node:internal|\/work\/|dist\/src|\n\s+at \S/;
const NET_LINK = `Link: </network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"`;

function assertNoStack(r: Reply, what: string): void {
  assert.ok(!STACK.test(r.body), `${what}: body looks like a stack trace: ${r.body}`);
  for (const [name, value] of Object.entries(r.headers)) assert.ok(!STACK.test(String(value)), `${what}: header ${name} = ${value}`);
}

/** No header value holds a line break, and none was smuggled in. */
function assertCleanHeaders(headers: Reply['headers'] | RawReply['headers'], what: string): void {
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [name, value] of entries) {
    assert.ok(!['set-cookie', 'x-injected'].includes(name.toLowerCase()), `${what}: injected header ${name}`);
    assert.ok(!/[\r\n]/.test(String(value)), `${what}: line break in header ${name}`);
  }
}

describe('security under hostile input', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => (c.local.bootMs = 0))));
  after(() => s.close());

  test('error bodies in every rendering carry a message and the request id, never a stack trace (R1, R4)', async () => {
    const bad: Array<[string, string, Record<string, string>, string?]> = [
      ['POST', '/compute/', { 'Content-Type': JSON_TYPE }, '{"kind": '],
      ['POST', '/compute/', { 'Content-Type': JSON_TYPE }, '{"kind": "http://nope#x", "attributes": {"a": {"b": [1, {"c": null}]}}}'],
      ['POST', '/compute/', PLAIN, 'Category: compute; scheme="unterminated\n'],
      ['POST', '/compute/', PLAIN, `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.compute.cores="many"\n`],
      ['POST', '/compute/', PLAIN, `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.compute.cores=1e999\n`],
      ['POST', '/compute/', { 'Content-Type': 'application/xml' }, '<x/>'],
      ['POST', '/compute/', { 'Content-Type': JSON_TYPE }, `${'['.repeat(40)}${']'.repeat(40)}`],
      ['POST', '/compute/', { 'Content-Type': JSON_TYPE }, '{"__proto__": {"polluted": true}, "kind": {"constructor": 1}}'],
      ['GET', '/compute/?page=0&number=1', {}],
      ['GET', '/compute/not-an-id', {}],
      ['DELETE', '/resource/', {}],
      ['PATCH', '/compute/', {}],
      ['GET', '/compute/', { 'User-Agent': 'OCCI/9.9' }],
      ['GET', '/compute/', { Accept: 'image/png' }],
      ['POST', '/compute/00000000-0000-4000-8000-000000000000?action=stop', PLAIN, 'Category: stop; scheme=;\n'],
      ['POST', '/-/', PLAIN, 'Category: x; scheme="http://schemas.ogf.org/occi/core#"; class="mixin"; location="/x/"\n'],
    ];
    for (const [method, path, headers, body] of bad) {
      for (const accept of ACCEPTS) {
        const r = await s.request(method, path, { headers: { Accept: accept, ...headers }, body });
        assert.ok(r.status >= 400 && r.status < 500 || r.status === 501, `${method} ${path} (${accept}): ${r.status} ${r.body}`);
        assertNoStack(r, `${method} ${path} as ${accept}`);
        const id = r.headers['x-request-id'];
        if (method !== 'HEAD' && !(r.status === 406 && accept === 'image/png')) assert.ok(r.body.includes(String(id)), `${method} ${path} as ${accept}: no request id in ${r.body}`);
      }
    }
    const anonymous = await s.request('GET', '/compute/', { token: null });
    assert.equal(anonymous.status, 401);
    assertNoStack(anonymous, '401');
  });

  test('an unexpected failure is a 500 that names only the request id; the log has the detail', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'snf-occi-500-'));
    const config = defaults();
    config.port = 0;
    config.dataDir = dataDir;
    config.local.tokens = [{ token: ALICE, tenant: 'alice' }];
    const cloud = openLocalCloud({ dataDir, tokens: config.local.tokens });
    // A backend that breaks in the way a bug would: a plain Error with internals in its message.
    const broken = Object.create(cloud) as typeof cloud;
    broken.list = async () => {
      throw new TypeError('cannot read properties of undefined (reading "rows") at /work/main/src/secret.ts:12:3');
    };
    const logs: string[] = [];
    const sink = new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) });
    const occi = createOcciServer({ config, backend: broken, store: new UserMixinStore(dataDir), logger: createLogger(config, sink) });
    const { port } = await occi.listen();
    try {
      for (const accept of ACCEPTS) {
        const out = await sendOnce(port, formatRequest('GET', '/compute/', { 'X-Auth-Token': ALICE, Accept: accept }));
        assert.ok('reply' in out);
        const body = out.reply.body.toString();
        assert.equal(out.reply.status, 500, body);
        assert.ok(!body.includes('secret') && !body.includes('rows') && !STACK.test(body), `500 body leaks internals: ${body}`);
        assert.ok(!out.reply.text.includes('secret'), 'nor do its headers');
        assert.match(body, /internal error/);
      }
      assert.ok(logs.some((l) => l.includes('"request failed"') && l.includes('secret.ts')), 'the log keeps the detail for the operator');
    } finally {
      await occi.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('CR/LF in titles, mixin titles and echoed input never becomes a header (D37, R129)', async () => {
    const evil = 'evil\r\nSet-Cookie: session=1\r\nX-Injected: yes';
    const created = await s.request('POST', '/compute/', {
      headers: { 'Content-Type': JSON_TYPE },
      body: JSON.stringify({ kind: `${INFRA}compute`, title: evil, summary: 'line one\nline two\r\n\r\nHTTP/1.1 200 OK' }),
    });
    assert.equal(created.status, 201, created.body);
    assertCleanHeaders(created.headers, 'create');
    const vm = pathOf(created.headers.location!);
    const mixin = await s.request('POST', '/-/', {
      headers: { 'Content-Type': JSON_TYPE },
      body: JSON.stringify({ mixins: [{ term: 'crlf', scheme: 'http://example.com/crlf#', location: '/crlf/', title: evil }] }),
    });
    assert.equal(mixin.status, 200, mixin.body);
    assert.equal((await s.request('POST', '/crlf/', { headers: { 'X-OCCI-Location': vm } })).status, 200);
    for (const path of [vm, '/compute/', '/-/', '/crlf/']) {
      for (const accept of ACCEPTS) {
        const r = await s.request('GET', path, { headers: { Accept: accept } });
        assert.ok([200, 400].includes(r.status), `GET ${path} as ${accept}: ${r.status} ${r.body}`);
        assertCleanHeaders(r.headers, `GET ${path} as ${accept}`);
      }
    }
    const asHeaders = await s.request('GET', vm, { headers: { Accept: 'text/occi' } });
    assert.match(String(asHeaders.headers['x-occi-attribute']), /evil\\r\\nSet-Cookie/, 'escaped, on one line (D37)');
    // Echoed in error messages, in a header rendering too.
    const echoes: Array<[string, string, Record<string, string>, string?]> = [
      ['POST', '/compute/', { 'Content-Type': JSON_TYPE }, JSON.stringify({ kind: `http://x#a\r\nSet-Cookie: a=b` })],
      ['POST', '/compute/', { 'Content-Type': JSON_TYPE }, JSON.stringify({ kind: `${INFRA}compute`, attributes: { 'bad\r\nX-Injected: yes': 1 } })],
      ['POST', '/crlf/', { 'Content-Type': JSON_TYPE }, JSON.stringify([`/compute/x\r\nSet-Cookie: c=d`])],
      ['GET', '/compute/%0d%0aSet-Cookie:%20e=f', {}],
      ['POST', `${vm}?action=stop%0d%0aX-Injected:%20yes`, PLAIN, 'Category: stop; scheme=;\n'],
    ];
    for (const [method, path, headers, body] of echoes) {
      const r = await s.request(method, path, { headers: { Accept: 'text/occi', ...headers }, body });
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${path}: ${r.status}`);
      assertCleanHeaders(r.headers, `${method} ${path}`);
    }
    // A location with a line break is not a location.
    const badLocation = await s.request('POST', '/-/', {
      headers: { 'Content-Type': JSON_TYPE },
      body: JSON.stringify({ mixins: [{ term: 'loc', scheme: 'http://example.com/loc#', location: '/loc\r\nSet-Cookie: g=h/' }] }),
    });
    assert.equal(badLocation.status, 400, badLocation.body);
    // Non-ASCII cannot travel in text/occi headers: 406 pointing to text/plain (D37).
    const unicode = await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="ünïcødé 😀"\n` });
    assert.equal(unicode.status, 201);
    const asOcci = await s.request('GET', pathOf(unicode.headers.location!), { headers: { Accept: 'text/occi' } });
    assert.equal(asOcci.status, 406);
    assert.match(asOcci.body, /text\/plain/);
  });

  test('paths with dot segments, encoded slashes or backslashes, and absolute URLs to other hosts are refused', async () => {
    for (const path of ['/compute/../-/', '/compute/./', '/-/..', '/compute/%2e%2e/-/', '/compute%2f..%2f-/', '/compute%2Fx', '/compute/%5c..', '/compute/a\\b', '//compute/', '/compute//x', '/compute/%00']) {
      const r = await s.request('GET', path);
      assert.equal(r.status, 400, `${path}: ${r.status} ${r.body}`);
      assertNoStack(r, path);
    }
    for (const target of ['http://evil.example.org/-/', `http://127.0.0.1:${s.port}/-/`, '//evil.example.org/-/', '*', 'evil.example.org:80']) {
      const out = await sendOnce(s.port, formatRequest('GET', target, { 'X-Auth-Token': ALICE, Connection: 'close' }));
      assert.ok('reply' in out, `${target}: ${'dropped' in out ? out.dropped : ''}`);
      assert.equal(out.reply.status, 400, `${target}: ${out.reply.status}`);
    }
    // URLs inside requests must be this server's too.
    const vm = pathOf((await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n` })).headers.location!);
    const foreign = 'http://evil.example.org';
    const attempts: Array<[string, string, Record<string, string>, string?]> = [
      ['POST', '/-/', PLAIN, `Category: far; scheme="http://example.com/far#"; class="mixin"; location="${foreign}/far/"\n`],
      ['POST', '/-/', PLAIN, 'Category: up; scheme="http://example.com/up#"; class="mixin"; location="/a/../compute/"\n'],
      ['POST', '/compute/', PLAIN, `Category: ${COMPUTE_KIND}\nLink: <${foreign}/network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"\n`],
      ['POST', '/networkinterface/', PLAIN, `Category: networkinterface; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.core.source="${foreign}${vm}"\nX-OCCI-Attribute: occi.core.target="/network/public"\n`],
      ['DELETE', '/compute/', { 'X-OCCI-Location': `${foreign}${vm}` }],
    ];
    for (const [method, path, headers, body] of attempts) {
      const r = await s.request(method, path, { headers, body });
      assert.equal(r.status, 400, `${method} ${path} ${body ?? JSON.stringify(headers)}: ${r.status} ${r.body}`);
    }
    assert.equal((await s.request('GET', vm)).status, 200, 'the foreign-URL delete changed nothing');
    // A Host header that is not a host name never reaches a Location.
    const out = await sendOnce(s.port, formatRequest('POST', '/compute/', { 'X-Auth-Token': ALICE, 'Content-Type': 'text/plain', Host: 'evil.example.org/x?y' }, `Category: ${COMPUTE_KIND}\n`));
    assert.ok('reply' in out);
    const location = out.reply.headers.find(([n]) => n === 'location')?.[1] ?? '';
    assert.ok(!location.includes('evil') && !location.includes('?'), `Location ${location}`);
  });

  test('per-request limits answer the right 4xx and change nothing (R117, spec §3.11)', async () => {
    const vm = pathOf((await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n` })).headers.location!);
    const links = async (): Promise<number> => locations((await s.request('GET', '/link/')).body).length;
    const linksBefore = await links();
    const computesBefore = locations((await s.request('GET', '/compute/')).body).length;
    const cases: Array<[string, string, string, Record<string, string>, string, number, RegExp]> = [
      ['1001 structures', 'POST', '/compute/', PLAIN, `Category: ${COMPUTE_KIND}\n${Array.from({ length: 1001 }, (_, i) => `X-OCCI-Attribute: occi.x${i}=1`).join('\n')}\n`, 400, /too many OCCI structures/],
      ['1001 categories in one header value', 'POST', '/compute/', PLAIN, `Category: ${Array(1001).fill('compute; scheme=;').join(', ')}\n`, 400, /too many OCCI structures/],
      ['101 inline links in a create', 'POST', '/compute/', PLAIN, `Category: ${COMPUTE_KIND}\n${Array(101).fill(NET_LINK).join('\n')}\n`, 400, /at most 100 links/],
      ['101 inline links in a partial update', 'POST', vm, PLAIN, `${Array(101).fill(NET_LINK).join('\n')}\n`, 400, /at most 100 links/],
      ['101 entities in a JSON collection', 'POST', '/compute/', { 'Content-Type': JSON_TYPE }, JSON.stringify({ resources: Array(101).fill({ kind: `${INFRA}compute` }) }), 400, /at most 100 entities/],
      ['1001 JSON entities', 'POST', '/compute/', { 'Content-Type': JSON_TYPE }, JSON.stringify(Array(1001).fill({ kind: `${INFRA}compute` })), 400, /more than 1000/],
      ['1001 JSON attributes', 'POST', '/compute/', { 'Content-Type': JSON_TYPE }, JSON.stringify({ kind: `${INFRA}compute`, attributes: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`occi.x${i}`, i])) }), 400, /more than 1000|unknown attribute/],
      ['JSON nested 33 deep', 'POST', '/compute/', { 'Content-Type': JSON_TYPE }, `${'['.repeat(33)}${']'.repeat(33)}`, 400, /deeper than 32/],
      ['101 locations to associate', 'POST', '/templates/os/Debian/', { 'Content-Type': 'text/uri-list' }, Array(101).fill(vm).join('\n'), 400, /at most 100 locations/],
      ['101 mixin definitions', 'POST', '/-/', PLAIN, Array.from({ length: 101 }, (_, i) => `Category: m${i}; scheme="http://example.com/many#"; class="mixin"; location="/many${i}/"`).join('\n'), 400, /at most 100 mixins/],
      ['an attribute value over 64 KiB', 'POST', '/compute/', PLAIN, `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="${'a'.repeat(70_000)}"\n`, 400, /64 KiB/],
      ['a page larger than the maximum', 'GET', '/compute/?page=1&number=1001', {}, '', 413, /largest page, 1000: ask for number=1000 or fewer/],
      ['page 0', 'GET', '/compute/?page=0&number=10', {}, '', 400, /start at 1/],
      ['a page without its size', 'GET', '/compute/?page=2', {}, '', 400, /both page and number/],
      ['a request target over 4 KiB', 'GET', `/compute/${'x'.repeat(5000)}`, {}, '', 400, /too long/],
    ];
    for (const [what, method, path, headers, body, status, message] of cases) {
      const r = await s.request(method, path, { headers, body: body || undefined });
      assert.equal(r.status, status, `${what}: ${r.status} ${r.body.slice(0, 300)}`);
      assert.match(r.body, message, what);
    }
    assert.equal((await s.request('GET', '/compute/?page=1&number=1000')).status, 200, 'the maximum page size itself is fine');
    // An update whose second link is refused creates neither (all or nothing).
    const half = await s.request('POST', vm, { headers: PLAIN, body: `${NET_LINK}\nLink: </storage/00000000-0000-4000-8000-000000000000>; rel="${INFRA}storage"; category="${INFRA}storagelink"\n` });
    assert.equal(half.status, 404, half.body);
    assert.equal(await links(), linksBefore, 'no link was left behind by refused requests');
    assert.equal(locations((await s.request('GET', '/compute/')).body).length, computesBefore, 'no compute was created by refused requests');
    assert.deepEqual(locations((await s.request('GET', '/os_tpl/')).body).filter((l) => l.includes(vm)), []);
  });

  test('tokens never reach the log, whatever the request', async () => {
    await s.request('GET', '/compute/', { token: BOB });
    await s.request('GET', '/compute/', { token: `${ALICE}x` });
    await s.request('GET', '/compute/', { headers: { 'Auth-Token': ALICE } });
    await s.request('POST', '/compute/', { headers: { ...PLAIN, 'X-Project-Id': 'p' }, body: 'garbage' });
    const log = s.logs.join('');
    assert.ok(log.length > 0);
    for (const token of [ALICE, BOB]) assert.ok(!log.includes(token), 'a token is in the log');
  });

  test('a CONNECT request (a proxy tunnel) gets a 4xx answer instead of a dropped connection', async () => {
    for (const target of ['127.0.0.1:80', 'evil.example.org:443', '/compute/']) {
      const out = await sendOnce(s.port, formatRequest('CONNECT', target, { 'X-Auth-Token': ALICE }), { timeoutMs: 5000 });
      assert.ok('reply' in out, `CONNECT ${target} dropped: ${'dropped' in out ? out.dropped : ''}`);
      assert.ok(out.reply.status >= 400 && out.reply.status < 500, `CONNECT ${target}: ${out.reply.status}`);
    }
    assert.equal((await s.request('GET', '/healthz', { token: null })).status, 200);
  });
});
