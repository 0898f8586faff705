// The spec §5.7 / §5.3 examples, both directions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonRenderer } from '../../../src/rendering/json/render.js';
import { parseJsonBody } from '../../../src/rendering/json/parse.js';
import { BASE, exampleCompute } from './views.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const ACTIONS = 'http://schemas.ogf.org/occi/infrastructure/compute/action#';

/** Spec §5.7, with absolute URLs (D34); no member outside the rendering's schema (R140). */
const EXPECTED = {
  kind: `${INFRA}compute`,
  mixins: ['http://occi.example.org/occi/os_tpl#debian12', 'http://occi.example.org/occi/resource_tpl#small'],
  id: 'urn:uuid:6d4a0c1e-9b7f-4c52-a1d2-2f0e8c7b5a10',
  title: 'web-01',
  summary: 'front-end node',
  attributes: {
    'occi.compute.architecture': 'x64',
    'occi.compute.cores': 2,
    'occi.compute.memory': 4.0,
    'occi.compute.hostname': 'web-01.example.org',
    'occi.compute.state': 'active',
    'occi.compute.state.message': 'running',
  },
  actions: [`${ACTIONS}stop`, `${ACTIONS}restart`, `${ACTIONS}suspend`, `${ACTIONS}save`],
  links: [
    {
      kind: `${INFRA}networkinterface`,
      mixins: ['http://schemas.ogf.org/occi/infrastructure/networkinterface#ipnetworkinterface'],
      id: 'urn:uuid:a81b6f0e-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
      attributes: {
        'occi.networkinterface.interface': 'eth0',
        'occi.networkinterface.mac': '52:54:00:12:34:56',
        'occi.networkinterface.state': 'active',
        'occi.networkinterface.address': '10.0.0.5',
        'occi.networkinterface.allocation': 'dynamic',
      },
      source: { location: `${BASE}/compute/6d4a0c1e-9b7f-4c52-a1d2-2f0e8c7b5a10`, kind: `${INFRA}compute` },
      target: { location: `${BASE}/network/3f1c`, kind: `${INFRA}network` },
    },
  ],
};

describe('spec §5.7 compute example', () => {
  it('renders the compute with its link exactly (R60, R109, R132, R140, D26, D34)', () => {
    const body = JSON.parse(jsonRenderer.entity(exampleCompute()).body);
    assert.deepEqual(body, EXPECTED);
    assert.deepEqual(Object.keys(body), ['kind', 'mixins', 'id', 'title', 'summary', 'attributes', 'actions', 'links']);
    assert.deepEqual(Object.keys(body.links[0]), ['kind', 'mixins', 'id', 'attributes', 'source', 'target']);
  });

  it('parses its own rendering back (D26 folding, R109 ends in attributes and link fields)', () => {
    const p = parseJsonBody(jsonRenderer.entity(exampleCompute()).body);
    assert.equal(p.entities.length, 1);
    const e = p.entities[0]!;
    assert.deepEqual(e.categories, [
      { scheme: INFRA, term: 'compute', class: 'kind' },
      { scheme: 'http://occi.example.org/occi/os_tpl#', term: 'debian12', class: 'mixin' },
      { scheme: 'http://occi.example.org/occi/resource_tpl#', term: 'small', class: 'mixin' },
    ]);
    assert.equal(e.attributes['occi.core.title'], 'web-01');
    assert.equal(e.attributes['occi.core.summary'], 'front-end node');
    assert.equal(e.attributes['occi.core.id'], EXPECTED.id);
    assert.equal(e.location, undefined);
    assert.equal(e.links.length, 1);
    const l = e.links[0]!;
    assert.equal(l.source, EXPECTED.links[0]!.source.location);
    assert.equal(l.target, `${BASE}/network/3f1c`);
    assert.equal(l.targetKind, `${INFRA}network`);
    assert.equal(l.self, undefined);
    assert.equal(l.attributes['occi.networkinterface.mac'], '52:54:00:12:34:56');
  });

  it('parses the spec §5.7 example as printed (relative URLs; D34 accept relative)', () => {
    const printed = structuredClone(EXPECTED) as Record<string, unknown>;
    const link = (printed.links as Array<Record<string, unknown>>)[0]!;
    link.source = { location: '/compute/6d4a0c1e-9b7f-4c52-a1d2-2f0e8c7b5a10', kind: `${INFRA}compute` };
    link.target = { location: '/network/3f1c', kind: `${INFRA}network` };
    const e = parseJsonBody(JSON.stringify(printed)).entities[0]!;
    assert.equal(e.location, undefined);
    assert.equal(e.links[0]!.source, '/compute/6d4a0c1e-9b7f-4c52-a1d2-2f0e8c7b5a10');
    assert.equal(e.links[0]!.target, '/network/3f1c');
    assert.equal(e.attributes['occi.compute.memory'], 4);
  });
});

describe('spec §5.7 creation request', () => {
  const body =
    `{"kind":"${INFRA}compute","mixins":["http://occi.example.org/occi/os_tpl#debian12"],` +
    `"attributes":{"occi.compute.cores":2},` +
    `"links":[{"kind":"${INFRA}networkinterface","target":{"location":"/network/3f1c","kind":"${INFRA}network"}}]}`;

  it('gives one entity without id, with an inline link without id or source (R141, D12)', () => {
    const p = parseJsonBody(body);
    assert.equal(p.empty, false);
    assert.deepEqual(p.entities, [
      {
        categories: [
          { scheme: INFRA, term: 'compute', class: 'kind' },
          { scheme: 'http://occi.example.org/occi/os_tpl#', term: 'debian12', class: 'mixin' },
        ],
        attributes: { 'occi.compute.cores': 2 },
        links: [
          {
            categories: [{ scheme: INFRA, term: 'networkinterface', class: 'kind' }],
            attributes: { 'occi.core.target': '/network/3f1c', 'occi.core.target.kind': `${INFRA}network` },
            target: '/network/3f1c',
            targetKind: `${INFRA}network`,
          },
        ],
      },
    ]);
    assert.deepEqual(p.categories, p.entities[0]!.categories);
    assert.deepEqual(p.attributes, { 'occi.compute.cores': 2 });
    assert.deepEqual(p.locations, []);
  });
});

describe('spec §5.3 action invocation', () => {
  it('parses {"action", "attributes"} into one action category and its parameters (R87)', () => {
    const p = parseJsonBody(`{"action":"${ACTIONS}stop","attributes":{"method":"graceful"}}`);
    assert.deepEqual(p.categories, [{ scheme: ACTIONS, term: 'stop', class: 'action' }]);
    assert.deepEqual(p.attributes, { method: 'graceful' });
    assert.deepEqual(p.entities, []);
  });

  it('accepts an invocation without attributes (spec §5.3: attributes optional)', () => {
    const p = parseJsonBody(`{"action":"${ACTIONS}start"}`);
    assert.deepEqual(p.categories, [{ scheme: ACTIONS, term: 'start', class: 'action' }]);
    assert.deepEqual(p.attributes, {});
  });
});
