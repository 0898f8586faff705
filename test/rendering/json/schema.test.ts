// The OCCI 1.2 JSON schema of test/fixtures (R140) checks what it should: the
// renderer's documents pass, and each defect a strict client trips on fails
// with a message naming it. Every HTTP test checks its JSON answers with it
// too (test/helpers/server.ts), so this file proves the check is not vacuous.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as I from '../../../src/model/infrastructure.js';
import type { CategoryView } from '../../../src/rendering/document.js';
import { jsonRenderer } from '../../../src/rendering/json/render.js';
import { checkJsonAnswer } from '../../helpers/occi-json.js';
import { BASE, DEBIAN, exampleCompute, SMALL } from './views.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const ok = (doc: unknown): void => checkJsonAnswer(200, JSON.stringify(doc), 'test');
const refused = (doc: unknown, why: RegExp): void => assert.throws(() => ok(doc), why);

describe('the OCCI 1.2 JSON schema fixture (R140)', () => {
  it('accepts the renderer: an entity with links, a collection, the whole catalogue', () => {
    checkJsonAnswer(200, jsonRenderer.entity(exampleCompute()).body, 'entity');
    checkJsonAnswer(200, jsonRenderer.collection([exampleCompute()], 'resources').body, 'collection');
    checkJsonAnswer(200, jsonRenderer.collection([exampleCompute().links[0]!], 'links').body, 'links');
    checkJsonAnswer(200, jsonRenderer.collection([], 'resources').body, 'empty collection');
    const all: CategoryView[] = [...I.MODEL_KINDS, ...I.MODEL_MIXINS, DEBIAN, SMALL, I.COMPUTE_STOP, I.STORAGE_RESIZE].map((c) => ({
      category: c,
      location: c.class !== 'action' && c.location ? BASE + c.location : undefined,
    }));
    checkJsonAnswer(200, jsonRenderer.categories(all).body, 'catalogue');
    checkJsonAnswer(404, jsonRenderer.error(404, 'nothing at /x', 'req-1').body, 'error');
  });

  it('refuses members the rendering does not define, such as an entity location', () => {
    refused({ kind: `${INFRA}network`, id: 'n', location: '/network/n' }, /additional properties \(location\)/);
    refused({ resources: [{ kind: `${INFRA}network`, id: 'n', extra: 1 }] }, /resources\/0 must NOT have additional properties \(extra\)/);
  });

  it('refuses empty arrays where items are wanted, and allows them in collections', () => {
    refused({ term: 'tag', scheme: 'http://e#', location: '/tag/', actions: [] }, /actions must NOT have fewer than 1 items/);
    refused({ kind: `${INFRA}network`, id: 'n', mixins: [] }, /mixins must NOT have fewer than 1 items/);
    ok({ kinds: [], mixins: [], actions: [] });
  });

  it('refuses what a strict client cannot read: no id, a null value, a bad attribute description', () => {
    refused({ kind: `${INFRA}network` }, /must have required property 'id'/);
    refused({ kind: `${INFRA}network`, id: 'n', attributes: { 'occi.core.title': null } }, /must be string,number,boolean,array,object/);
    refused({ term: 'x', scheme: 'http://e#', location: '/x/', attributes: { a: { mutable: 'yes' } } }, /mutable must be boolean/);
    refused({ term: 'x', scheme: 'http://e#', location: '/x/', attributes: { a: { type: 'integer' } } }, /type must be equal to one of the allowed values/);
  });

  it('refuses a link without its ends, and an error body of another shape', () => {
    refused({ kind: `${INFRA}storagelink`, id: 'l', source: { location: '/compute/1' } }, /required property 'target'/);
    assert.throws(() => checkJsonAnswer(400, JSON.stringify({ message: 'x' }), 'test'), /is not \{"error"/);
  });
});
