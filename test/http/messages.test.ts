// Answers for people: each error says what was wrong and what to do next, in
// the user's words (closest matches, the actions allowed now, the mixin an
// attribute needs, Base64 in words, an ignored body), never a spec code; and
// what a person plainly meant is done (an attribute brings its mixin, as ooi
// does; a value in single quotes is a value).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attribute, COMPUTE_KIND, eventually, INFRA, pathOf, startServer, type Reply, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const ACTIONS = 'http://schemas.ogf.org/occi/infrastructure/compute/action#';
/** A spec reference a user cannot look up: (R54), (D10), (§4.2) … */
const SPEC_CODE = /\((?:[RD]\d+|§[\d.]+)[^)]*\)|\bR\d{1,3}\b|\bD\d{1,2}\b/;

describe('messages for people', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  async function refused(r: Promise<Reply>, status: number, why: RegExp): Promise<string> {
    const reply = await r;
    assert.equal(reply.status, status, reply.body);
    assert.match(reply.body, why);
    assert.doesNotMatch(reply.body, SPEC_CODE, 'no spec code in a message');
    return reply.body;
  }
  const create = (lines: string[]) => s.request('POST', '/compute/', { headers: PLAIN, body: lines.join('\n') + '\n' });

  test('an unknown category names the closest ones and where to look', async () => {
    await refused(create([`Category: ${COMPUTE_KIND}`, 'Category: Debain; scheme=;']), 400, /unknown category "Debain": did you mean Debian\? The OS templates are listed by GET \/-\/\?category=os_tpl/);
    await refused(create([`Category: ${COMPUTE_KIND}`, 'Category: C2R2048D2O; scheme=;']), 400, /did you mean C2R2048D20\? The resource templates are listed by GET \/-\/\?category=resource_tpl/);
    await refused(create([`Category: computer; scheme="${INFRA}"; class="kind"`]), 400, /did you mean compute\? Every category is listed by GET \/-\//);
    await refused(create([`Category: ${COMPUTE_KIND}`, 'Category: Debian; scheme="http://example.com/os#"']), 400, /Debian here is http:\/\/schemas\.snf-occi\.org\/occi\/os_tpl#Debian; send that scheme, or none/);
  });

  test('a kind sent as a mixin is named as the kind it is', async () => {
    await refused(create([`Category: compute; scheme="${INFRA}"; class="mixin"`]), 400, /infrastructure#compute is a kind, not a mixin: send it with class="kind"/);
  });

  test('an unknown attribute names the closest, or the mixin it belongs to', async () => {
    await refused(create([`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.core.titel="x"']), 400, /unknown attribute occi\.core\.titel for a compute: did you mean occi\.core\.title\?; its attributes: GET \/-\/\?category=compute/);
    await refused(create([`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.network.address="10.0.0.0/24"']), 400, /occi\.network\.address belongs to the mixin ipnetwork .*applies to network, not compute/);
  });

  test('an attribute whose mixin is plain brings it along (ssh key without ssh_key, as ooi does)', async () => {
    const r = await create([`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.credentials.ssh.publickey="ssh-ed25519 AAAAC3Nza me@host"']);
    assert.equal(r.status, 201, r.body);
    const got = await s.request('GET', pathOf(r.headers.location!));
    assert.match(got.body, /^Category: ssh_key; scheme="http:\/\/schemas\.ogf\.org\/occi\/infrastructure\/credentials#"; class="mixin"/m);
    assert.equal(attribute(got.body, 'occi.credentials.ssh.publickey'), '"ssh-ed25519 AAAAC3Nza me@host"');
  });

  test('user data that is not Base64 is said so in words', async () => {
    await refused(create([`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.compute.userdata="#cloud-config: {}"']), 400, /occi\.compute\.userdata must be Base64 text .*base64 -w0/);
    await refused(create([`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.compute.userdata="hello world"']), 400, /must be Base64 text/);
    const wrapped = await create([`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.compute.userdata="aGVsbG8g\\nd29ybGQ="']);
    assert.equal(wrapped.status, 201, `line breaks inside Base64 are fine: ${wrapped.body}`);
  });

  test('a body sent with text/occi is named as ignored', async () => {
    await refused(
      s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/occi' }, body: `Category: ${COMPUTE_KIND}\n` }),
      400,
      /request body was ignored: with Content-Type text\/occi the rendering travels in HTTP headers .*send the body with Content-Type text\/plain/,
    );
  });

  test('an unknown action names the closest and the actions there are; a refused one the actions allowed now', async () => {
    const vm = pathOf((await create([`Category: ${COMPUTE_KIND}`])).headers.location!);
    await eventually(() => s.request('GET', vm), (r) => attribute(r.body, 'occi.compute.state.message') === '"running"');
    await refused(
      s.request('POST', `${vm}?action=strat`, { headers: PLAIN, body: `Category: strat; scheme="${ACTIONS}"; class="action"\n` }),
      400,
      /has no action "strat": did you mean start\?; its actions are start, stop, restart, suspend, save/,
    );
    await refused(
      s.request('POST', `${vm}?action=start`, { headers: PLAIN, body: `Category: start; scheme="${ACTIONS}"; class="action"\n` }),
      409,
      /cannot start compute [0-9a-f-]+ while it is active; allowed now: stop, restart, suspend, save/,
    );
  });

  test('values in single quotes are values, as in double quotes, in text/plain and text/occi', async () => {
    const plain = await create([`Category: ${COMPUTE_KIND}`, "X-OCCI-Attribute: occi.core.title='vm, one'", "X-OCCI-Attribute: occi.core.summary = 'O\\'Brien''s'"]);
    assert.equal(plain.status, 400, 'text after a closing quote is still an error');
    const ok = await create([`Category: ${COMPUTE_KIND}`, "X-OCCI-Attribute: occi.core.title='vm, one'", "X-OCCI-Attribute: occi.core.summary=O'Brien"]);
    assert.equal(ok.status, 201, ok.body);
    const got = await s.request('GET', pathOf(ok.headers.location!));
    assert.equal(attribute(got.body, 'occi.core.title'), '"vm, one"', 'stored without its quotes, the comma inside kept');
    assert.equal(attribute(got.body, 'occi.core.summary'), `"O'Brien"`, 'an apostrophe inside a word is no quote');
    const occi = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/occi', Category: `compute; scheme='${INFRA}'; class='kind'`, 'X-OCCI-Attribute': "occi.core.title='vm'" } });
    assert.equal(occi.status, 201, occi.body);
    assert.equal(attribute((await s.request('GET', pathOf(occi.headers.location!))).body, 'occi.core.title'), '"vm"');
  });
});
