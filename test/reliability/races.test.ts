// Many clients on the same resources at once. Requests go both on separate
// connections and pipelined on one connection, which makes the server parse
// them together so their handlers interleave. Whatever the interleaving:
// answers stay within the documented statuses, nothing is left half done,
// and the databases hold no membership or link whose other end is gone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TAG_CATEGORY } from '../../scripts/support/fixtures.js';
import { Prng } from '../../scripts/support/prng.js';
import { formatRequest, sendPipelined, sendSlowly, type RawReply } from '../../scripts/support/raw-http.js';
import { ALICE, attribute, COMPUTE_KIND, eventually, INFRA, locations, pathOf, startServer, type Reply, type TestServer } from '../helpers/server.js';
import { brokenInvariants, NOTHING_BROKEN } from './invariants.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const NET_LINK = `Link: </network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"`;
const ACTION_SCHEME = 'http://schemas.ogf.org/occi/infrastructure/compute/action#';
/** The embedded cloud's state messages while a transition runs (at rest: running, stopped (…), suspended (…)). */
const TRANSITION = /^"(building|starting|stopping|restarting|suspending|saving)/;

/** A raw request with alice's token. */
function raw(method: string, path: string, body = '', headers: Record<string, string> = {}): Buffer {
  return formatRequest(method, path, { 'X-Auth-Token': ALICE, ...(body ? PLAIN : {}), ...headers }, body);
}

function statusOf(r: Reply | RawReply): number {
  return r.status;
}

function locationOf(r: Reply | RawReply): string {
  const value = Array.isArray(r.headers) ? r.headers.find(([n]) => n === 'location')?.[1] : r.headers.location;
  return pathOf(String(value));
}

async function create(s: TestServer, lines: string[], path = '/compute/'): Promise<string> {
  const r = await s.request('POST', path, { headers: PLAIN, body: lines.join('\n') + '\n' });
  assert.equal(r.status, 201, r.body);
  return pathOf(r.headers.location!);
}

async function waitForState(s: TestServer, path: string, state: string): Promise<void> {
  const r = await eventually(() => s.request('GET', path), (r) => attribute(r.body, 'occi.compute.state') === `"${state}"`);
  assert.equal(attribute(r.body, 'occi.compute.state'), `"${state}"`, `${path} never became ${state}`);
}

/** A request cut after its headers: [headers, body]. */
function split(request: Buffer): [Buffer, Buffer] {
  const end = request.indexOf('\r\n\r\n') + 4;
  return [request.subarray(0, end), request.subarray(end)];
}

function shuffled<T>(items: T[], prng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('races: concurrent actions on one compute (R81, D2, D21)', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => (c.local.actionMs = 400))));
  after(() => s.close());

  test('each answer is 200 or 409; the compute ends in the state of an accepted action and takes actions again', async () => {
    const vm = await create(s, [`Category: ${COMPUTE_KIND}`]);
    await waitForState(s, vm, 'active');
    const targets: Record<string, string> = { stop: 'inactive', restart: 'active', suspend: 'suspended' };
    const terms = Array.from({ length: 24 }, (_, i) => ['stop', 'restart', 'suspend'][i % 3]);
    const body = (term: string): string => `Category: ${term}; scheme="${ACTION_SCHEME}"; class="action"\n`;
    const separate = terms.slice(0, 12).map((t) => s.request('POST', `${vm}?action=${t}`, { headers: PLAIN, body: body(t) }));
    const pipelined = sendPipelined(s.port, terms.slice(12).map((t) => raw('POST', `${vm}?action=${t}`, body(t))));
    const replies = [...(await Promise.all(separate)), ...(await pipelined)];
    assert.deepEqual([...new Set(replies.map(statusOf))].filter((st) => st !== 200 && st !== 409), [], 'only 200 and 409');
    const accepted = terms.filter((_, i) => replies[i].status === 200);
    assert.ok(accepted.length >= 1, 'at least one action was accepted');
    // Every refusal says why (busy or not allowed in this state).
    for (const r of replies) if (r.status === 409) assert.match(String(r.body), /busy|cannot|while/);
    // Once the accepted transitions are over, the compute rests in the state one of them leads to …
    const settled = await eventually(
      () => s.request('GET', vm),
      (r) => Object.values(targets).some((st) => attribute(r.body, 'occi.compute.state') === `"${st}"`) && !TRANSITION.test(attribute(r.body, 'occi.compute.state.message') ?? ''),
      accepted.length * 400 + 10_000,
    );
    const state = attribute(settled.body, 'occi.compute.state')!.slice(1, -1);
    assert.ok(accepted.some((t) => targets[t] === state), `final state ${state} follows one of ${accepted.join(', ')}`);
    // … and is not stuck: the next action the state allows is accepted.
    const next = state === 'active' ? 'stop' : 'start';
    const again = await eventually(
      () => s.request('POST', `${vm}?action=${next}`, { headers: PLAIN, body: body(next) }),
      (r) => r.status !== 409,
      10_000,
    );
    assert.equal(again.status, 200, again.body);
  });
});

describe('races: a collection action while one member is busy (R84: atomically)', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => ((c.local.bootMs = 0), (c.local.actionMs = 5000)))));
  after(() => s.close());

  test('refused for one member, it changes no other member', async () => {
    const busy = await create(s, [`Category: ${COMPUTE_KIND}`]);
    const idle = await create(s, [`Category: ${COMPUTE_KIND}`]);
    const stop = `Category: stop; scheme="${ACTION_SCHEME}"; class="action"\n`;
    assert.equal((await s.request('POST', `${busy}?action=stop`, { headers: PLAIN, body: stop })).status, 200);
    const all = await s.request('POST', '/compute/?action=stop', { headers: PLAIN, body: stop });
    assert.equal(all.status, 409, all.body);
    assert.equal(attribute((await s.request('GET', idle)).body, 'occi.compute.state.message'), '"running"', 'the other compute was left alone');
  });
});

describe('races: delete while updating, tagging and linking (R72-R74, D22)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer((c) => (c.local.bootMs = 0));
    const tag = await s.request('POST', '/-/', { headers: PLAIN, body: `Category: ${TAG_CATEGORY}; location="/tags/"\n` });
    assert.equal(tag.status, 200, tag.body);
  });
  after(() => s.close());

  test('updates answer 200/404/409 only; a deleted compute leaves no link, membership or listing behind', async () => {
    const prng = new Prng(7);
    for (let round = 0; round < 12; round++) {
      const storage = await create(s, [`Category: storage; scheme="${INFRA}"; class="kind"`, 'X-OCCI-Attribute: occi.storage.size=1'], '/storage/');
      const vm = await create(s, [
        `Category: ${COMPUTE_KIND}`,
        `Category: ${TAG_CATEGORY}`,
        NET_LINK,
        `Link: <${storage}>; rel="${INFRA}storage"; category="${INFRA}storagelink"`,
      ]);
      const links = locations((await s.request('GET', '/link/')).body).map(pathOf);
      const own = [];
      for (const l of links) if ((await s.request('GET', l)).body.includes(`occi.core.source="${s.url}${vm}"`)) own.push(l);
      assert.equal(own.length, 2);
      // Tag a link too, so its membership has to go with it.
      assert.equal((await s.request('POST', '/tags/', { headers: { 'X-OCCI-Location': own[0] } })).status, 200);
      const updates: Array<[string, Buffer]> = [
        ['update', raw('POST', vm, 'X-OCCI-Attribute: occi.core.title="renamed"\n')],
        ['update', raw('POST', vm, `Category: ${TAG_CATEGORY}\nX-OCCI-Attribute: occi.core.summary="tagged again"\n`)],
        ['update', raw('POST', vm, `Category: ${TAG_CATEGORY}\n`)],
        ['update', raw('POST', vm, `${NET_LINK}\n`)],
        ['update', raw('POST', vm, `${NET_LINK}\nX-OCCI-Attribute: occi.core.title="linked"\n`)],
        ['associate', raw('POST', '/tags/', '', { 'X-OCCI-Location': vm })],
        ['associate', raw('POST', '/tags/', '', { 'X-OCCI-Location': own[1] })],
        ['update', raw('POST', own[0], 'X-OCCI-Attribute: occi.core.title="nic"\n')],
        ['action', raw('POST', `${vm}?action=stop`, `Category: stop; scheme="${ACTION_SCHEME}"; class="action"\n`)],
        ['delete', raw('DELETE', vm)],
        ['delete', raw('DELETE', vm)],
        ['delete', raw('DELETE', own[1])],
      ];
      const order = shuffled(updates, prng);
      const [first, second] = [order.slice(0, 6), order.slice(6)];
      const replies = await Promise.all([sendPipelined(s.port, first.map(([, b]) => b)), sendPipelined(s.port, second.map(([, b]) => b))]);
      const answered = [...first, ...second].map(([what], i) => [what, [...replies[0], ...replies[1]][i]] as const);
      for (const [what, r] of answered) {
        const allowed = what === 'delete' ? [200, 404] : [200, 404, 409];
        assert.ok(allowed.includes(r.status), `${what} answered ${r.status}: ${r.body.toString()}`);
      }
      assert.ok(answered.some(([what, r]) => what === 'delete' && r.status === 200), 'one delete of the compute succeeded');
      // Nothing half done: the compute and every link from it are gone, and listed nowhere.
      assert.equal((await s.request('GET', vm)).status, 404);
      for (const l of own) assert.equal((await s.request('GET', l)).status, 404, l);
      for (const path of ['/compute/', '/link/', '/networkinterface/', '/storagelink/', '/tags/', '/']) {
        const listed = await s.request('GET', path);
        assert.ok(!listed.body.includes(vm) && !own.some((l) => listed.body.includes(l)), `${path} still lists a deleted entity`);
        assert.ok(!listed.body.includes(`source="${s.url}${vm}"`));
      }
      const storageNow = await s.request('GET', storage);
      assert.equal(storageNow.status, 200, 'the volume outlives the compute');
      assert.deepEqual(brokenInvariants(s.dataDir), NOTHING_BROKEN, `round ${round}`);
    }
  });
});

describe('races: associating with a user mixin while it is deleted (R33, R95, D39)', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => (c.local.bootMs = 0))));
  after(() => s.close());

  test('no membership survives its mixin, and a mixin defined again starts empty', async () => {
    const vms = [];
    for (let i = 0; i < 4; i++) vms.push(await create(s, [`Category: ${COMPUTE_KIND}`]));
    const prng = new Prng(11);
    for (let round = 0; round < 15; round++) {
      const category = `m${round}; scheme="http://example.com/race#"; class="mixin"`;
      const define = await s.request('POST', '/-/', { headers: PLAIN, body: `Category: ${category}; location="/m${round}/"\n` });
      assert.equal(define.status, 200, define.body);
      const requests: Array<[string, Buffer]> = [
        ['associate', raw('POST', `/m${round}/`, '', { 'X-OCCI-Location': `${vms[0]}, ${vms[1]}` })],
        ['associate', raw('POST', `/m${round}/`, `${vms[2]}\n`, { 'Content-Type': 'text/uri-list' })],
        ['associate', raw('PUT', `/m${round}/`, '', { 'X-OCCI-Location': vms[3] })],
        ['tag', raw('POST', vms[1], `Category: ${category}\n`)],
        ['tag', raw('POST', vms[2], `Category: ${category}\nX-OCCI-Attribute: occi.core.title="t${round}"\n`)],
        ['create', raw('POST', '/compute/', `Category: ${COMPUTE_KIND}\nCategory: ${category}\n`)],
        ['delete-mixin', raw('DELETE', '/-/', `Category: ${category}\n`)],
        ['associate', raw('POST', `/m${round}/`, '', { 'X-OCCI-Location': vms[0] })],
      ];
      const order = shuffled(requests, prng);
      const replies = await sendPipelined(s.port, order.map(([, b]) => b));
      order.forEach(([what], i) => {
        const r = replies[i];
        // Once the mixin is gone its location is unbound (404) and its Category unknown (400, D17).
        const allowed = what === 'delete-mixin' ? [200] : what === 'create' ? [201, 400] : [200, 400, 404];
        assert.ok(allowed.includes(r.status), `${what} answered ${r.status}: ${r.body.toString()}`);
      });
      assert.deepEqual(brokenInvariants(s.dataDir).undefinedMixins, [], `round ${round}: memberships outlived their mixin`);
      // Defined again, the mixin has no members: nothing stale comes back.
      const again = await s.request('POST', '/-/', { headers: PLAIN, body: `Category: ${category}; location="/m${round}/"\n` });
      assert.equal(again.status, 200, again.body);
      assert.deepEqual(locations((await s.request('GET', `/m${round}/`)).body), [], `round ${round}: a re-defined mixin has members`);
      for (const vm of vms) assert.ok(!(await s.request('GET', vm)).body.includes(`m${round};`), `${vm} still shows m${round}`);
    }
    assert.deepEqual(brokenInvariants(s.dataDir), NOTHING_BROKEN);
  });

  test('a slow client whose body arrives after the mixin was deleted leaves no membership behind', async () => {
    const vm = await create(s, [`Category: ${COMPUTE_KIND}`]);
    const cases: Array<[string, (category: string, at: string) => [Buffer, Buffer]]> = [
      ['associate (uri-list)', (_c, at) => split(raw('POST', at, `${vm}\n`, { 'Content-Type': 'text/uri-list' }))],
      ['replace members (uri-list)', (_c, at) => split(raw('PUT', at, `${vm}\n`, { 'Content-Type': 'text/uri-list' }))],
      ['tag in a partial update', (c) => split(raw('POST', vm, `Category: ${c}\n`))],
      ['tag in a create', (c) => split(raw('POST', '/compute/', `Category: ${COMPUTE_KIND}\nCategory: ${c}\n`))],
      ['tag in a full update', (c) => split(raw('PUT', vm, `Category: ${COMPUTE_KIND}\nCategory: ${c}\n`))],
    ];
    for (const [i, [what, build]] of cases.entries()) {
      const category = `slow${i}; scheme="http://example.com/slow#"; class="mixin"`;
      const at = `/slow${i}/`;
      assert.equal((await s.request('POST', '/-/', { headers: PLAIN, body: `Category: ${category}; location="${at}"\n` })).status, 200);
      const [head, rest] = build(category, at);
      const out = await sendSlowly(s.port, head, rest, async () => {
        const gone = await s.request('DELETE', '/-/', { headers: PLAIN, body: `Category: ${category}\n` });
        assert.equal(gone.status, 200, gone.body);
      });
      assert.ok('reply' in out, `${what}: ${'dropped' in out ? out.dropped : ''}`);
      assert.ok(out.reply.status < 500, `${what} answered ${out.reply.status}`);
      assert.deepEqual(brokenInvariants(s.dataDir).undefinedMixins, [], `${what} left a membership of a deleted mixin`);
      assert.equal((await s.request('POST', '/-/', { headers: PLAIN, body: `Category: ${category}; location="${at}"\n` })).status, 200);
      assert.deepEqual(locations((await s.request('GET', at)).body), [], `${what}: the mixin defined again already has members`);
    }
  });
});

describe('races: concurrent creates (R39, R50, R145)', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => (c.local.bootMs = 0))));
  after(() => s.close());

  test('60 concurrent creates all answer 201 with distinct ids, each listed exactly once', async () => {
    const body = (i: number): string => `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="c${i}"\n`;
    const separate = Array.from({ length: 30 }, (_, i) => s.request('POST', '/compute/', { headers: PLAIN, body: body(i) }));
    const pipelined = [0, 1, 2].map((p) => sendPipelined(s.port, Array.from({ length: 10 }, (_, i) => raw('POST', '/compute/', body(30 + p * 10 + i)))));
    const replies = [...(await Promise.all(separate)), ...(await Promise.all(pipelined)).flat()];
    assert.deepEqual(replies.map(statusOf), Array(60).fill(201));
    const created = replies.map(locationOf);
    assert.equal(new Set(created).size, 60, 'distinct locations');
    const listed = locations((await s.request('GET', '/compute/')).body).map(pathOf);
    assert.equal(listed.length, 60);
    assert.deepEqual([...listed].sort(), [...created].sort(), 'each created compute is listed exactly once');
    // Titles survived intact: no two creates mixed their attributes.
    const titles = new Set<string>();
    for (const path of created) titles.add(attribute((await s.request('GET', path)).body, 'occi.core.title')!);
    assert.equal(titles.size, 60);
  });

  test('concurrent PUTs at one new URL create it once; the others replace it or answer 409', async () => {
    const url = '/compute/4d3c2b1a-0000-4000-8000-00000000c0de';
    const body = `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="put"\n`;
    const replies = [
      ...(await Promise.all(Array.from({ length: 6 }, () => s.request('PUT', url, { headers: PLAIN, body })))),
      ...(await sendPipelined(s.port, Array.from({ length: 10 }, () => raw('PUT', url, body)))),
    ];
    const statuses = replies.map(statusOf);
    assert.equal(statuses.filter((st) => st === 201).length, 1, `exactly one create: ${statuses}`);
    assert.deepEqual(statuses.filter((st) => ![200, 201, 409].includes(st)), []);
    const listed = locations((await s.request('GET', '/compute/')).body).map(pathOf);
    assert.equal(listed.filter((l) => l === url).length, 1);
  });
});
