// The parts of a request read before any operation runs, each stated at its
// edges: the request target (what may reach the router), the OCCI version a
// User-Agent names (R2), where the token comes from (R149), the query-string
// filters and the paging links of a collection.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { authRequest } from '../../src/http/credentials.js';
import { pagingHeaders } from '../../src/http/paging.js';
import { queryFilter, withQueryFilter } from '../../src/http/query-params.js';
import type { Route } from '../../src/http/router.js';
import { parseTarget } from '../../src/http/target.js';
import { requestedOcciVersion } from '../../src/http/version-check.js';
import { emptyPayload, NO_PAYLOAD } from '../../src/rendering/document.js';
import { filterPayload } from '../../src/http/body.js';
import { badRequestMessage } from '../helpers/bad-request.js';

const SMUGGLED = 'encoded slashes, dots, backslashes and NUL are not allowed in paths';

describe('the request target', () => {
  test('a path and its query; a target of exactly 4,096 characters is read, one more is refused', () => {
    const t = parseTarget('/compute/?category=compute&page=2');
    assert.equal(t.path, '/compute/');
    assert.deepEqual([...t.query], [['category', 'compute'], ['page', '2']]);
    assert.equal(parseTarget('/-/').query.size, 0);
    const edge = `/${'a'.repeat(4095)}`;
    assert.equal(parseTarget(edge).path, edge);
    assert.equal(badRequestMessage(() => parseTarget(`${edge}a`)), 'request target missing or too long');
    assert.equal(badRequestMessage(() => parseTarget('')), 'request target missing or too long');
    assert.equal(badRequestMessage(() => parseTarget(undefined)), 'request target missing or too long');
  });

  test('targets without a query share one empty query, which cannot be changed; a "?" alone is no query either', () => {
    const a = parseTarget('/-/').query;
    assert.equal(parseTarget('/compute/').query, a, 'made once');
    assert.equal(parseTarget('/compute/?').query, a);
    for (const change of [() => a.append('x', '1'), () => a.set('x', '1'), () => a.delete('x'), () => a.sort()]) assert.throws(change, { name: 'TypeError', message: /shared: not to be changed/ });
    assert.equal(a.size, 0);
    assert.equal(a.get('page'), null);
    assert.notEqual(parseTarget('/-/?page=1').query, a);
  });

  test('only a path on this server: an absolute URL or a "*" is refused', () => {
    for (const raw of ['http://other.example/compute/', '*', 'compute/']) {
      assert.equal(badRequestMessage(() => parseTarget(raw)), 'request target must be a path on this server', raw);
    }
  });

  test('what could smuggle another path is refused: backslashes, encoded slashes, backslashes, NUL and dots, either case', () => {
    for (const raw of ['/compute\\x', '/compute%2fx', '/compute%2Fx', '/a%5cb', '/a%5Cb', '/a%00', '/a/%2e%2e/b', '/a/%2E']) {
      assert.equal(badRequestMessage(() => parseTarget(raw)), SMUGGLED, raw);
    }
    // In the query they are data, not path: a filter value may hold any of them.
    assert.equal(parseTarget('/compute/?attribute=a%2Fb').query.get('attribute'), 'a/b');
    assert.equal(parseTarget('/compute/?q=a\\b').path, '/compute/');
  });

  test('percent-encoding is decoded once; a malformed one is a 400 saying so', () => {
    assert.equal(parseTarget('/compute/caf%C3%A9').path, '/compute/café');
    assert.equal(parseTarget('/compute/a%2541').path, '/compute/a%41', 'decoded once, not twice');
    assert.equal(badRequestMessage(() => parseTarget('/compute/100%')), 'malformed percent-encoding in path');
    assert.equal(badRequestMessage(() => parseTarget('/compute/%E0%A4%A')), 'malformed percent-encoding in path');
    assert.equal(badRequestMessage(() => parseTarget('/compute/%zz')), 'malformed percent-encoding in path');
  });

  test('dot segments and empty segments are refused; dots inside a segment are a name', () => {
    for (const raw of ['/compute/..', '/compute/../storage/', '/./compute/', '/compute/.']) {
      assert.equal(badRequestMessage(() => parseTarget(raw)), 'dot segments are not allowed in paths', raw);
    }
    assert.equal(parseTarget('/compute/.hidden').path, '/compute/.hidden');
    assert.equal(parseTarget('/compute/a..b').path, '/compute/a..b');
    assert.equal(parseTarget('/compute/.../').path, '/compute/.../');
    assert.equal(badRequestMessage(() => parseTarget('//compute/')), 'empty path segments are not allowed');
    assert.equal(badRequestMessage(() => parseTarget('/compute//x')), 'empty path segments are not allowed');
  });

  test("D23: ';' separates query parameters as '&' does", () => {
    assert.deepEqual([...parseTarget('/compute/?page=2;number=5').query], [['page', '2'], ['number', '5']]);
    assert.deepEqual([...parseTarget('/compute/?page=2&number=5').query], [['page', '2'], ['number', '5']]);
  });
});

describe('R2: the OCCI version a User-Agent names', () => {
  test('none named, or no User-Agent: OCCI/1.2', () => {
    assert.deepEqual(requestedOcciVersion(undefined), { onlyV11: false });
    assert.deepEqual(requestedOcciVersion(''), { onlyV11: false });
    assert.deepEqual(requestedOcciVersion('curl/8.5.0'), { onlyV11: false });
  });

  test('only 1.1 named: 1.1; 1.1 and 1.2 named, in either order: the higher', () => {
    assert.deepEqual(requestedOcciVersion('rOCCI-cli OCCI/1.1'), { onlyV11: true });
    assert.deepEqual(requestedOcciVersion('OCCI/1.1 OCCI/1.2'), { onlyV11: false });
    assert.deepEqual(requestedOcciVersion('OCCI/1.2 OCCI/1.1'), { onlyV11: false });
    assert.deepEqual(requestedOcciVersion('OCCI/1.2'), { onlyV11: false });
    assert.deepEqual(requestedOcciVersion('OCCI/1.0'), { onlyV11: false }, 'an older minor is answered in 1.2');
    assert.deepEqual(requestedOcciVersion('OCCI/0.9'), { onlyV11: false });
  });

  test('a version above 1.2 is a 501 naming it and the versions spoken', () => {
    for (const [ua, named] of [
      ['OCCI/1.3', '1.3'],
      ['OCCI/2.0', '2.0'],
      ['OCCI/1.1 OCCI/2.1', '2.1'],
      ['OCCI/2.0 OCCI/1.9', '2.0'],
      ['OCCI/1.12', '1.12'],
    ] as const) {
      assert.throws(
        () => requestedOcciVersion(ua),
        (e: unknown) =>
          e instanceof OcciError &&
          e.status === 501 &&
          e.message === `OCCI/${named} is not implemented; this server speaks OCCI/1.2 and OCCI/1.1: name one of those in User-Agent, or none`,
        ua,
      );
    }
  });

  test('at most 16 versions are read from a User-Agent', () => {
    const sixteen = `${'OCCI/1.1 '.repeat(16)}OCCI/9.9`;
    assert.deepEqual(requestedOcciVersion(sixteen), { onlyV11: true }, 'the 17th is not read');
    assert.throws(() => requestedOcciVersion(`${'OCCI/1.1 '.repeat(15)}OCCI/9.9`), OcciError, 'the 16th is');
  });
});

describe('R149: where the token comes from', () => {
  const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

  test('X-Auth-Token, then Auth-Token, then Authorization; the first of repeated headers', () => {
    assert.deepEqual(authRequest({ 'x-auth-token': 'a', 'auth-token': 'b', authorization: 'Bearer c' }), { token: 'a', project: undefined });
    assert.equal(authRequest({ 'auth-token': 'b', authorization: 'Bearer c' }).token, 'b');
    assert.equal(authRequest({ authorization: 'Bearer c' }).token, 'c');
    assert.equal(authRequest({ 'x-auth-token': ['first', 'second'] } as never).token, 'first');
    assert.deepEqual(authRequest({}), { token: undefined, project: undefined });
  });

  test('Bearer and Basic in any case; Basic carries the token as its password', () => {
    assert.equal(authRequest({ authorization: 'bearer  tok ' }).token, 'tok');
    assert.equal(authRequest({ authorization: 'BEARER tok' }).token, 'tok');
    assert.equal(authRequest({ authorization: basic('user:secret') }).token, 'secret');
    assert.equal(authRequest({ authorization: basic(':secret') }).token, 'secret');
    assert.equal(authRequest({ authorization: basic('user:pa:ss') }).token, 'pa:ss', 'the password runs to the end');
    assert.equal(authRequest({ authorization: basic('user:s').replace('Basic', 'basic') }).token, 's', 'a one-character password');
  });

  test('no token from an Authorization without one', () => {
    for (const value of ['Bearer', 'Bearer ', 'Bearer    ', 'Token abc', basic('user:'), basic('nocolon'), 'Basic', '']) {
      assert.equal(authRequest({ authorization: value }).token, undefined, JSON.stringify(value));
    }
  });

  test('the project: X-Project-Id, else X-Snf-Project', () => {
    assert.equal(authRequest({ 'x-project-id': 'p1', 'x-snf-project': 'p2' }).project, 'p1');
    assert.equal(authRequest({ 'x-snf-project': 'p2' }).project, 'p2');
  });
});

const COLLECTION = { type: 'collection', owner: { type: 'path', path: '/compute/' } } as Route;
const QUERY = { type: 'query' } as Route;
const ENTITY = { type: 'entity', loc: { kindPath: '/compute/', id: 'x' } } as unknown as Route;
const q = (s: string): URLSearchParams => new URLSearchParams(s);

describe('query-string filters', () => {
  test('no filter, in the query or in the headers, is the one payload every such request shares: frozen all through', () => {
    assert.equal(queryFilter(COLLECTION, 'GET', q('')), NO_PAYLOAD);
    assert.equal(queryFilter(COLLECTION, 'GET', q('page=1')), NO_PAYLOAD);
    assert.equal(filterPayload({}), NO_PAYLOAD);
    assert.equal(withQueryFilter(filterPayload({}), queryFilter(COLLECTION, 'GET', q(''))), NO_PAYLOAD);
    for (const part of [NO_PAYLOAD, NO_PAYLOAD.categories, NO_PAYLOAD.attributes, NO_PAYLOAD.entities, NO_PAYLOAD.locations]) assert.ok(Object.isFrozen(part));
    assert.throws(() => NO_PAYLOAD.categories.push({ scheme: '', term: 'x' }), TypeError);
    assert.deepEqual({ ...NO_PAYLOAD }, emptyPayload());
  });

  test('a collection takes category and attribute as a filter, and page and number', () => {
    const f = queryFilter(COLLECTION, 'GET', q('category=compute&attribute=occi.core.title="a b"&page=1&number=2'));
    assert.deepEqual(f.categories, [{ scheme: '', term: 'compute' }]);
    assert.deepEqual(f.attributes, { 'occi.core.title': 'a b' });
    assert.equal(f.empty, false);
    assert.deepEqual(queryFilter(COLLECTION, 'HEAD', q('page=1&number=2')), emptyPayload(), 'paging alone is no filter');
    assert.deepEqual(queryFilter(COLLECTION, 'GET', q('attribute=occi.core.title="x"')).empty, false, 'an attribute alone is a filter');
  });

  test('the query interface takes category only (a scheme#term, several as a union); POST takes only what its path takes', () => {
    const f = queryFilter(QUERY, 'GET', q('category=http://schemas.ogf.org/occi/infrastructure%23compute&category=network'));
    assert.deepEqual(f.categories, [
      { scheme: 'http://schemas.ogf.org/occi/infrastructure#', term: 'compute' },
      { scheme: '', term: 'network' },
    ]);
    assert.equal(
      badRequestMessage(() => queryFilter(QUERY, 'GET', q('page=1'))),
      'unknown query parameter "page" for GET here; it takes category',
    );
    assert.deepEqual(queryFilter(ENTITY, 'POST', q('action=start')), emptyPayload());
    assert.deepEqual(queryFilter(COLLECTION, 'POST', q('action=start')), emptyPayload());
    assert.equal(
      badRequestMessage(() => queryFilter(QUERY, 'POST', q('action=x'))),
      'unknown query parameter "action" for POST here (actions are triggered with POST); it takes none',
    );
  });

  test('an unknown parameter is a 400 naming what the path takes, with the closest match', () => {
    assert.equal(
      badRequestMessage(() => queryFilter(COLLECTION, 'GET', q('pgae=2'))),
      'unknown query parameter "pgae" for GET here: did you mean page? It takes category, attribute, page, number',
    );
    assert.equal(
      badRequestMessage(() => queryFilter(ENTITY, 'GET', q('category=compute'))),
      'unknown query parameter "category" for GET here; it takes none',
    );
    assert.equal(
      badRequestMessage(() => queryFilter(ENTITY, 'GET', q('action=start'))),
      'unknown query parameter "action" for GET here (actions are triggered with POST); it takes none',
    );
    assert.equal(
      badRequestMessage(() => queryFilter(ENTITY, 'PUT', q('action=start'))),
      'unknown query parameter "action" for PUT here (actions are triggered with POST); it takes none',
    );
    assert.equal(
      badRequestMessage(() => queryFilter(COLLECTION, 'DELETE', q(`${'x'.repeat(100)}=1`))),
      `unknown query parameter "${'x'.repeat(80)}" for DELETE here; it takes none`,
    );
  });

  test('at most 32 parameters: 32 are read, the 33rd is a 400', () => {
    const many = (n: number): URLSearchParams => q(Array.from({ length: n }, (_, i) => (i % 2 ? 'page=1' : 'number=1')).join('&'));
    assert.deepEqual(queryFilter(COLLECTION, 'GET', many(32)), emptyPayload());
    assert.equal(badRequestMessage(() => queryFilter(COLLECTION, 'GET', many(33))), 'at most 32 query parameters');
  });

  test('a category that is neither a term nor a type identifier, and an attribute given twice, are 400s', () => {
    assert.equal(
      badRequestMessage(() => queryFilter(COLLECTION, 'GET', q('category=not a term'))),
      'category=not a term is neither a term (Debian) nor a type identifier (scheme#term, e.g. http://schemas.ogf.org/occi/infrastructure#compute)',
    );
    assert.match(badRequestMessage(() => queryFilter(COLLECTION, 'GET', q('category=noscheme%23compute'))), /^category=noscheme#compute is neither/);
    assert.deepEqual(queryFilter(COLLECTION, 'GET', q('category=%20compute%20')).categories, [{ scheme: '', term: 'compute' }], 'trimmed');
    assert.equal(
      badRequestMessage(() => queryFilter(COLLECTION, 'GET', q(`category=${'y '.repeat(150)}`))),
      `category=${'y '.repeat(100)} is neither a term (Debian) nor a type identifier (scheme#term, e.g. http://schemas.ogf.org/occi/infrastructure#compute)`,
    );
    assert.equal(
      badRequestMessage(() => queryFilter(COLLECTION, 'GET', q('attribute=a.b=1&attribute=a.b=2'))),
      'attribute=a.b is given twice; an entity holds one value of it',
    );
  });

  test('header and query filters together: their union; an attribute in both is a 400', () => {
    const headers = { ...emptyPayload(), categories: [{ scheme: '', term: 'compute' }], attributes: { 'a.b': 1 }, empty: false };
    const query = queryFilter(COLLECTION, 'GET', q('category=os_tpl&attribute=c.d=2'));
    assert.equal(withQueryFilter(headers, emptyPayload()), headers);
    assert.equal(withQueryFilter(emptyPayload(), query), query);
    const both = withQueryFilter(headers, query);
    assert.deepEqual(both.categories, [{ scheme: '', term: 'compute' }, { scheme: '', term: 'os_tpl' }]);
    assert.deepEqual(both.attributes, { 'a.b': 1, 'c.d': 2 });
    assert.equal(both.empty, false);
    assert.equal(
      badRequestMessage(() => withQueryFilter(headers, queryFilter(COLLECTION, 'GET', q('attribute=a.b=1')))),
      'attribute a.b is filtered both in X-OCCI-Attribute and in the query string; give it once',
    );
  });
});

describe('paging links (RFC 8288)', () => {
  const base = 'http://h';
  test('no paging, no headers', () => assert.deepEqual(pagingHeaders(base, '/compute/', q(''), undefined), {}));

  test('first always; prev from page 2; next when more follow; filters kept', () => {
    assert.deepEqual(pagingHeaders(base, '/compute/', q('category=compute'), { page: 1, number: 2, more: true }), {
      Link: '<http://h/compute/?category=compute&page=1&number=2>; rel="first", <http://h/compute/?category=compute&page=2&number=2>; rel="next"',
    });
    assert.deepEqual(pagingHeaders(base, '/compute/', q('page=3&number=2'), { page: 2, number: 2, more: false }), {
      Link: '<http://h/compute/?page=1&number=2>; rel="first", <http://h/compute/?page=1&number=2>; rel="prev"',
    });
  });

  test('last and X-Total-Count when the total is known: a partial last page counts, an empty collection has page 1', () => {
    const last = (total: number): string => pagingHeaders(base, '/c/', q(''), { page: 1, number: 2, more: false, total }).Link!.split(', ').at(-1)!;
    assert.equal(last(5), '<http://h/c/?page=3&number=2>; rel="last"');
    assert.equal(last(4), '<http://h/c/?page=2&number=2>; rel="last"');
    assert.equal(last(0), '<http://h/c/?page=1&number=2>; rel="last"');
    assert.equal(pagingHeaders(base, '/c/', q(''), { page: 1, number: 2, more: false, total: 0 })['X-Total-Count'], '0');
    assert.equal(pagingHeaders(base, '/c/', q(''), { page: 1, number: 2, more: false })['X-Total-Count'], undefined);
  });
});
