// How requests name categories: exact type ids, empty schemes, the original's
// infrastructure scheme for templates, and ooi's raw image/flavor ids (D17).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { typeId } from '../../src/model/category.js';
import { COMPUTE } from '../../src/model/infrastructure.js';
import { osTemplate, resourceTemplate } from '../../src/model/templates.js';
import { Catalog } from '../../src/operations/catalog.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const debian = osTemplate({ id: '5f4311da-2ee2-47a6-913b-5d8496486c62', term: 'Debian', title: 'Debian 12' });
const ubuntu = osTemplate({ id: 'b1', term: 'Ubuntu', title: 'Ubuntu' });
const small = resourceTemplate({ id: '42', term: 'C2R2048D20', cores: 2, ramMiB: 2048, diskGB: 20 });
const clash = resourceTemplate({ id: '43', term: 'Ubuntu', cores: 1, ramMiB: 1024, diskGB: 10 });

describe('catalogue resolution', () => {
  const catalog = new Catalog([debian, ubuntu, small], []);

  it('resolves exact type ids, and the kind with an empty or the infrastructure scheme', () => {
    assert.equal(catalog.resolve({ scheme: INFRA, term: 'compute' }), COMPUTE);
    assert.equal(catalog.resolve({ scheme: '', term: 'compute', class: 'kind' }), COMPUTE);
    assert.equal(catalog.resolve({ scheme: debian.scheme, term: 'Debian' }), debian);
  });

  it('matches templates by term with an empty scheme or the original infrastructure scheme', () => {
    assert.equal(catalog.resolve({ scheme: '', term: 'C2R2048D20' }), small);
    assert.equal(catalog.resolve({ scheme: INFRA, term: 'Debian' }), debian);
  });

  it("matches ooi's raw image and flavor ids", () => {
    assert.equal(catalog.resolve({ scheme: 'http://schemas.openstack.org/template/os#', term: '5f4311da-2ee2-47a6-913b-5d8496486c62' }), debian);
    assert.equal(catalog.resolve({ scheme: 'http://schemas.openstack.org/template/resource#', term: '42' }), small);
    assert.equal(catalog.resolve({ scheme: '', term: '42' }), small);
  });

  it('never guesses under a foreign scheme; unknown names are a 400 naming them', () => {
    assert.equal(catalog.resolve({ scheme: 'http://example.com/x#', term: 'Debian' }), undefined);
    assert.throws(() => catalog.require({ scheme: '', term: 'Gentoo' }), (e: unknown) => e instanceof OcciError && e.status === 400 && /Gentoo/.test(e.message));
  });

  it('an ambiguous term is a 409 that lists the candidates', () => {
    const c = new Catalog([ubuntu, clash], []);
    assert.throws(() => c.resolve({ scheme: '', term: 'Ubuntu' }), (e: unknown) => e instanceof OcciError && e.status === 409 && e.message.includes(typeId(clash)));
    assert.equal(c.resolve({ scheme: ubuntu.scheme, term: 'Ubuntu' }), ubuntu);
  });
});
