import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OcciError } from '../../../src/errors.js';
import {
  COMPUTE,
  COMPUTE_STOP,
  ENTITY,
  IPNETWORK,
  LINK,
  NETWORK,
  RESOURCE,
  STORAGE,
  STORAGE_RESIZE,
} from '../../../src/model/infrastructure.js';
import type { Mixin } from '../../../src/model/category.js';
import type { CategoryView, Rendered } from '../../../src/rendering/document.js';
import { parseTextBody, parseTextHeaders } from '../../../src/rendering/text/parse.js';
import {
  quote,
  renderAttributeValue,
  renderCategory,
  renderLink,
  textOcciRenderer,
  textPlainRenderer,
  uriListRenderer,
} from '../../../src/rendering/text/render.js';
import { BASE, COMPUTE_URL, computeView, DEBIAN, NETWORK_URL, NIC_URL, nicView } from './views.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const CORE = 'http://schemas.ogf.org/occi/core#';
const lines = (r: Rendered): string[] => r.body.split('\n').filter((l) => l !== '');

function throwsStatus(fn: () => unknown, status: number, fragment: string): void {
  assert.throws(fn, (e: unknown) => e instanceof OcciError && e.status === status && e.message.includes(fragment));
}

describe('values (R122, R129, D25)', () => {
  test('R122 strings quoted, integers bare, booleans bare', () => {
    assert.equal(renderAttributeValue('web'), '"web"');
    assert.equal(renderAttributeValue(2), '2');
    assert.equal(renderAttributeValue(-7), '-7');
    assert.equal(renderAttributeValue(true), 'true');
    assert.equal(renderAttributeValue(false), 'false');
  });

  test('R122 floats keep a digit on each side of the dot when the definition says Float', () => {
    const memory = COMPUTE.attributes.get('occi.compute.memory');
    assert.equal(renderAttributeValue(4, memory), '4.0');
    assert.equal(renderAttributeValue(3.6, memory), '3.6');
    assert.equal(renderAttributeValue(4, COMPUTE.attributes.get('occi.compute.cores')), '4');
  });

  test('numbers never use exponent notation (the grammar has none)', () => {
    assert.equal(renderAttributeValue(1e21), '1000000000000000000000');
    assert.equal(renderAttributeValue(1.5e-7), '0.00000015');
    assert.equal(renderAttributeValue(-2.5e-10), '-0.00000000025');
  });

  test('R129 quote escapes " and \\ and writes CR/LF/TAB as escapes, never raw', () => {
    assert.equal(quote('a"b\\c\r\n\td'), '"a\\"b\\\\c\\r\\n\\td"');
    assert.ok(!/[\r\n]/.test(renderAttributeValue('x\ny')));
  });

  test('D25 lists and hashes render as a quoted JSON string', () => {
    assert.equal(renderAttributeValue(['a', 1]), '"[\\"a\\",1]"');
    assert.equal(renderAttributeValue({ k: true }), '"{\\"k\\":true}"');
  });
});

describe('categories, query interface form (R20–R26, R123, R125)', () => {
  const view = (category: CategoryView['category'], path?: string): CategoryView => ({
    category,
    location: path && BASE + path,
  });

  test('R123/R21/R25 Kind: grammar order, rel = parent, inherited attributes with flags, actions', () => {
    const text = renderCategory(view(COMPUTE, '/compute/'), true);
    assert.equal(
      text,
      `compute; scheme="${INFRA}"; class="kind"; title="Compute Resource"; rel="${CORE}resource"; ` +
        `location="${BASE}/compute/"; attributes="occi.core.id{immutable} occi.core.title occi.core.summary ` +
        'occi.compute.architecture occi.compute.cores occi.compute.hostname occi.compute.share occi.compute.memory ' +
        'occi.compute.state{immutable} occi.compute.state.message{immutable}"; actions="' +
        ['start', 'stop', 'restart', 'suspend', 'save'].map((t) => `${INFRA.replace('#', '/compute/action#')}${t}`).join(' ') +
        '"',
    );
  });

  test('R24 core#entity has no rel and no location; R25 required flag on link endpoints', () => {
    assert.equal(
      renderCategory(view(ENTITY), true),
      `entity; scheme="${CORE}"; class="kind"; title="Entity"; attributes="occi.core.id{immutable} occi.core.title"`,
    );
    // D27: a link's ends are given at creation and never change, so they are advertised immutable too.
    assert.ok(renderCategory(view(LINK, '/link/'), true).includes('occi.core.source{immutable required} occi.core.target{immutable required} occi.core.target.kind{immutable}'));
    assert.ok(renderCategory(view(STORAGE, '/storage/'), true).includes('occi.storage.size{required}'));
  });

  test('R22 Mixin: rel = first depends only, never applies; own attributes', () => {
    const two: Mixin = { ...DEBIAN, depends: [...DEBIAN.depends, IPNETWORK] };
    const text = renderCategory(view(two, '/templates/os/debian12/'), true);
    assert.ok(text.startsWith(`debian12; scheme="http://schemas.snf-occi.org/occi/os_tpl#"; class="mixin"; title="Debian 12"; rel="${INFRA}os_tpl"; location=`));
    assert.ok(!text.includes('network#ipnetwork'));
    assert.ok(!text.includes(`${INFRA}compute`));
    assert.ok(text.includes('attributes="org.openstack.image.id{immutable}"'));
    assert.equal(
      renderCategory(view(IPNETWORK, '/mixin/ipnetwork/'), true),
      'ipnetwork; scheme="http://schemas.ogf.org/occi/infrastructure/network#"; class="mixin"; title="IP network"; ' +
        `location="${BASE}/mixin/ipnetwork/"; attributes="occi.network.address occi.network.gateway occi.network.allocation"`,
    );
  });

  test('R26 Action: class="action", parameter names, no rel or location', () => {
    assert.equal(
      renderCategory(view(COMPUTE_STOP, '/ignored/'), true),
      'stop; scheme="http://schemas.ogf.org/occi/infrastructure/compute/action#"; class="action"; title="Stop compute"; attributes="method"',
    );
    assert.ok(renderCategory(view(STORAGE_RESIZE), true).endsWith('attributes="size"'));
  });

  test('short form leaves out attributes and actions', () => {
    assert.equal(
      renderCategory(view(NETWORK, '/network/'), false),
      `network; scheme="${INFRA}"; class="kind"; title="Network Resource"; rel="${CORE}resource"; location="${BASE}/network/"`,
    );
  });

  test('text/plain query interface: one Category line per category, parsed back', () => {
    const r = textPlainRenderer.categories([view(RESOURCE, '/resource/'), view(COMPUTE_STOP)]);
    assert.equal(r.headers['Content-Type'], 'text/plain; charset=utf-8');
    assert.equal(lines(r).length, 2);
    const p = parseTextBody(r.body, {});
    assert.deepEqual(p.categories[0], {
      term: 'resource',
      scheme: CORE,
      class: 'kind',
      title: 'Resource',
      rel: [`${CORE}entity`],
      location: `${BASE}/resource/`,
      attributes: ['occi.core.id', 'occi.core.title', 'occi.core.summary'],
    });
  });
});

describe('entities (spec §4.4, R56, R58, R59, R126)', () => {
  test('resource: kind, mixins, owned link, action links, attributes in order', () => {
    const out = lines(textPlainRenderer.entity(computeView()));
    assert.deepEqual(out, [
      `Category: compute; scheme="${INFRA}"; class="kind"; title="Compute Resource"; rel="${CORE}resource"; location="${BASE}/compute/"`,
      `Category: debian12; scheme="http://schemas.snf-occi.org/occi/os_tpl#"; class="mixin"; title="Debian 12"; rel="${INFRA}os_tpl"; location="${BASE}/templates/os/debian12/"`,
      `Category: small; scheme="http://schemas.snf-occi.org/occi/resource_tpl#"; class="mixin"; title="Small"; rel="${INFRA}resource_tpl"; location="${BASE}/templates/resource/small/"`,
      `Link: <${NETWORK_URL}>; rel="${INFRA}network"; self="${NIC_URL}"; category="${INFRA}networkinterface ` +
        'http://schemas.ogf.org/occi/infrastructure/networkinterface#ipnetworkinterface"; occi.core.id="urn:uuid:a81b"; ' +
        'occi.networkinterface.interface="eth0"; occi.networkinterface.address="10.0.0.5"',
      `Link: <${COMPUTE_URL}?action=stop>; rel="http://schemas.ogf.org/occi/infrastructure/compute/action#stop"`,
      `Link: <${COMPUTE_URL}?action=restart>; rel="http://schemas.ogf.org/occi/infrastructure/compute/action#restart"`,
      'X-OCCI-Attribute: occi.core.id="urn:uuid:6d4a"',
      'X-OCCI-Attribute: occi.core.title="web-01"',
      'X-OCCI-Attribute: occi.compute.cores=2',
      'X-OCCI-Attribute: occi.compute.memory=4.0',
      'X-OCCI-Attribute: occi.compute.state="active"',
    ]);
  });

  test('R59 link entity: no owned links, source/target as attributes', () => {
    const out = lines(textPlainRenderer.entity({ ...nicView(), links: [nicView()] }));
    assert.equal(out.filter((l) => l.startsWith('Link:')).length, 0);
    assert.ok(out.includes(`X-OCCI-Attribute: occi.core.source="${COMPUTE_URL}"`));
    assert.ok(out.includes(`X-OCCI-Attribute: occi.core.target="${NETWORK_URL}"`));
    assert.ok(out[0]?.includes(`location="${BASE}/networkinterface/"`));
  });

  test('D34 category locations follow a mount prefix found in the entity URL', () => {
    const out = lines(textPlainRenderer.entity(computeView({ location: 'https://h:8443/occi/compute/6d4a', links: [] })));
    assert.ok(out[0]?.endsWith('location="https://h:8443/occi/compute/"'));
    assert.ok(out[1]?.endsWith('location="https://h:8443/occi/templates/os/debian12/"'));
  });

  test('R126 a link whose target kind is unknown still carries rel (core#resource)', () => {
    const { target: _t, ...rest } = nicView();
    assert.ok(renderLink({ ...rest, target: { location: 'http://elsewhere/x' } }).startsWith(`<http://elsewhere/x>; rel="${CORE}resource"`));
  });

  test('R129 URLs with control characters or quotes are percent-encoded, never raw', () => {
    const out = textPlainRenderer.entity(computeView({ location: `${BASE}/compute/a\r\nb"<>`, links: [] })).body;
    assert.ok(out.includes('<http://occi.example.org/compute/a%0D%0Ab%22%3C%3E?action=stop>'));
  });

  test('R129 control and line-breaking characters from the cloud are written as \\uXXXX and read back', () => {
    const title = 't\u0000\u000bX-OCCI-Attribute: occi.core.id="forged"\u001b[2J\u0085\u2028\u2029\u007f';
    const body = textPlainRenderer.entity(computeView({ attributes: [['occi.core.title', title]] })).body;
    assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0085\u2028\u2029]/.test(body), 'no raw control character');
    assert.equal(body.split(/\r\n|\n|\r|\u2028|\u2029|\u0085|\u000b|\u000c/).filter((l) => l.startsWith('X-OCCI-Attribute: occi.core.id')).length, 0, 'no forged line');
    assert.match(body, /occi\.core\.title="t\\u0000\\u000bX-OCCI/);
    assert.equal(parseTextBody(body, {}).attributes['occi.core.title'], title);
  });

  test('R122/R129 the text/plain entity parses back to the same attribute values', () => {
    const view = computeView({ attributes: [['occi.core.title', 'a, "b"; c=\\d\r\ne'], ['occi.compute.memory', 3.6]] });
    const p = parseTextBody(textPlainRenderer.entity(view).body, {});
    assert.deepEqual(p.attributes, { 'occi.core.title': 'a, "b"; c=\\d\r\ne', 'occi.compute.memory': 3.6 });
    assert.equal(p.entities[0]?.links[0]?.self, NIC_URL);
  });
});

describe('text/occi (R7, R128, R129, D37)', () => {
  test('R7/R128 structures as comma-listed headers, body OK', () => {
    const r = textOcciRenderer.entity(computeView());
    assert.equal(r.body, 'OK');
    assert.equal(r.headers['Content-Type'], 'text/occi');
    const category = r.headers.Category as string;
    assert.ok(category.startsWith('compute; scheme='));
    assert.ok(category.includes(`"; location="${BASE}/compute/", debian12; scheme=`));
    assert.ok((r.headers['X-OCCI-Attribute'] as string).includes('occi.core.title="web-01", occi.compute.cores=2'));
    assert.equal((r.headers.Link as string).split(', <').length, 3);
  });

  test('R119 headers parse back to the same payload as the text/plain body', () => {
    const r = textOcciRenderer.entity(computeView());
    const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]));
    assert.deepEqual(parseTextHeaders(headers), parseTextBody(textPlainRenderer.entity(computeView()).body, {}));
  });

  test('R129 no header value holds CR or LF', () => {
    const view = computeView({ attributes: [['occi.core.title', 'a\r\nb\tc']] });
    const r = textOcciRenderer.entity(view);
    for (const v of Object.values(r.headers)) assert.ok(!/[\r\n\t]/.test(String(v)));
  });

  test('D37 non-ASCII data → 406 suggesting text/plain; text/plain keeps it as UTF-8', () => {
    const view = computeView({ attributes: [['occi.core.title', 'Ωμέγα']] });
    throwsStatus(() => textOcciRenderer.entity(view), 406, 'text/plain');
    assert.ok(textPlainRenderer.entity(view).body.includes('occi.core.title="Ωμέγα"'));
  });

  test('§4.1 headers over 64 KiB → 406', () => {
    const urls = Array.from({ length: 2000 }, (_, i) => `${BASE}/compute/${'x'.repeat(30)}${i}`);
    throwsStatus(() => textOcciRenderer.locations(urls), 406, 'too large');
    assert.equal(textOcciRenderer.locations(urls.slice(0, 10)).body, 'OK');
  });

  test('R92/R127 collections list locations as X-OCCI-Location; empty collection → OK (D5)', () => {
    const r = textOcciRenderer.collection([computeView(), computeView({ location: `${BASE}/compute/2` })], 'resources');
    assert.equal(r.headers['X-OCCI-Location'], `${COMPUTE_URL}, ${BASE}/compute/2`);
    assert.equal(r.headers.Location, undefined);
    assert.deepEqual(textOcciRenderer.collection([], 'resources'), { headers: { 'Content-Type': 'text/occi' }, body: 'OK' });
    assert.deepEqual(textOcciRenderer.ok(), { headers: { 'Content-Type': 'text/occi' }, body: 'OK' });
  });

  test('error: body message + request id, X-OCCI-Error made ASCII-safe on one line', () => {
    const r = textOcciRenderer.error(400, 'bad «title»\r\nline two', 'req-1');
    assert.equal(r.body, 'bad «title»\r\nline two\nrequest-id: req-1\n');
    assert.equal(r.headers['X-OCCI-Error'], 'bad ?title?  line two');
  });
});

describe('text/plain collections and errors (R92, R93, R127, R130)', () => {
  test('R92/R127 one X-OCCI-Location line per member; empty → empty body', () => {
    const r = textPlainRenderer.collection([computeView()], 'resources');
    assert.equal(r.body, `X-OCCI-Location: ${COMPUTE_URL}\n`);
    assert.equal(textPlainRenderer.collection([], 'mixed').body, '');
    assert.equal(textPlainRenderer.locations([NIC_URL]).body, `X-OCCI-Location: ${NIC_URL}\n`);
    assert.equal(textPlainRenderer.ok().body, '');
  });

  test('error body: message then request-id', () => {
    const r = textPlainRenderer.error(404, 'no such entity', 'r-9');
    assert.deepEqual(r, { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'no such entity\nrequest-id: r-9\n' });
  });
});

describe('text/uri-list (R13, R94, D9)', () => {
  test('R94 collections and locations: one absolute URL per line', () => {
    const r = uriListRenderer.collection([computeView(), computeView({ location: `${BASE}/compute/2` })], 'resources');
    assert.equal(r.headers['Content-Type'], 'text/uri-list');
    assert.equal(r.body, `${COMPUTE_URL}\r\n${BASE}/compute/2\r\n`);
    assert.equal(uriListRenderer.locations([]).body, '');
  });

  test('R13/D9 entity and query interface → 400', () => {
    throwsStatus(() => uriListRenderer.entity(computeView()), 400, 'single entity');
    throwsStatus(() => uriListRenderer.categories([]), 400, 'query interface');
  });

  test('errors come as plain text', () => {
    const r = uriListRenderer.error(400, 'nope', 'r');
    assert.equal(r.headers['Content-Type'], 'text/plain; charset=utf-8');
    assert.equal(r.body, 'nope\nrequest-id: r\n');
  });
});
