// The image and flavor template rules that mutants of
// src/backends/openstack/mapping/templates.ts got past in the first Stryker run
// over mapping/ (docs/testing.md): which images are offered and ready, the
// architecture names, the terms of shared and unusable names, which image keeps
// a shared name, and the ephemeral size of a flavor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GlanceImage } from '../../src/backends/openstack/clients/glance.js';
import type { NovaFlavor } from '../../src/backends/openstack/clients/nova.js';
import { architecture, imageFromCompute, imageFromGlance, TemplateIndex, type ImageInfo } from '../../src/backends/openstack/mapping/templates.js';
import { FLAVOR_EPHEMERAL, templateDefault } from '../../src/model/templates.js';

const glance = (more: Partial<GlanceImage>): GlanceImage => ({ id: 'g1', name: 'debian', status: 'active', ...more }) as GlanceImage;
const terms = (images: ImageInfo[]): Record<string, string> =>
  Object.fromEntries(new TemplateIndex(images, []).os.map((m) => [m.providerId!, m.term]));

describe('openstack template rules: images offered', () => {
  it('an image Glance is still importing or uploading is offered, not yet ready; a killed one is not offered', () => {
    for (const status of ['importing', 'uploading', 'queued', 'saving']) {
      assert.equal(imageFromGlance(glance({ status }))?.ready, false, status);
    }
    assert.equal(imageFromGlance(glance({ status: 'active' }))?.ready, true);
    assert.equal(imageFromGlance(glance({ status: 'killed' })), undefined);
  });

  it('a compute-API image (Synnefo) is ready when ACTIVE, whatever the case, or when it has no status', () => {
    assert.equal(imageFromCompute({ id: 1, name: 'a', status: 'ACTIVE' })?.ready, true);
    assert.equal(imageFromCompute({ id: 1, name: 'a', status: 'active' })?.ready, true);
    assert.equal(imageFromCompute({ id: 1, name: 'a' })?.ready, true);
    assert.equal(imageFromCompute({ id: 1, name: 'a', status: 'SAVING' })?.ready, false);
  });

  it('a Glance image without a name is titled by its id and has a term from its id', () => {
    const info = imageFromGlance(glance({ id: 'abc', name: null }))!;
    assert.equal(info.name, '');
    const [m] = new TemplateIndex([info], []).os;
    assert.equal(m!.title, 'Image abc');
    assert.equal(m!.term, 'image-abc');
  });

  it('every alias of the two architectures is read, in any case', () => {
    for (const a of ['x86_64', 'amd64', 'x64', 'AMD64']) assert.equal(architecture(a), 'x64', a);
    for (const a of ['i386', 'i486', 'i586', 'i686', 'x86', 'I386']) assert.equal(architecture(a), 'x86', a);
    for (const a of ['aarch64', 'ppc64le', '', undefined]) assert.equal(architecture(a), undefined, String(a));
    assert.equal(imageFromGlance(glance({ architecture: 'amd64' } as Partial<GlanceImage>))?.architecture, 'x64');
  });
});

describe('openstack template rules: terms', () => {
  it('a name several images share becomes name_id for all but the one that keeps it; an unusable name becomes image-id', () => {
    const got = terms([
      { id: 'a1', name: 'debian', public: true },
      { id: 'b2', name: 'debian' },
      { id: 'c3', name: '***' },
    ]);
    assert.deepEqual(got, { a1: 'debian', b2: 'debian_b2', c3: 'image-c3' });
  });

  it('a flavor with an unusable name gets flavor-id as its term', () => {
    const index = new TemplateIndex([], [{ id: 42, name: '***', vcpus: 1, ram: 512, disk: 1 }]);
    assert.deepEqual(index.resource.map((m) => m.term), ['flavor-42']);
  });

  it('of a shared name, a public image keeps it over an older private one, in either listing order', () => {
    const pub: ImageInfo = { id: 'z9', name: 'debian', public: true, created: '2025-01-01T00:00:00Z' };
    const own: ImageInfo = { id: 'a1', name: 'debian', public: false, created: '2020-01-01T00:00:00Z' };
    assert.deepEqual(terms([pub, own]), { z9: 'debian', a1: 'debian_a1' });
    assert.deepEqual(terms([own, pub]), { z9: 'debian', a1: 'debian_a1' });
  });

  it('of a shared name among private images, the oldest keeps it, as Glance dates them', () => {
    const older = imageFromGlance(glance({ id: 'z9', created_at: '2020-01-01T00:00:00Z', visibility: 'private' } as Partial<GlanceImage>))!;
    const newer = imageFromGlance(glance({ id: 'a1', created_at: '2025-01-01T00:00:00Z', visibility: 'private' } as Partial<GlanceImage>))!;
    assert.equal(older.created, '2020-01-01T00:00:00Z');
    assert.deepEqual(terms([newer, older]), { z9: 'debian', a1: 'debian_a1' });
    assert.deepEqual(terms([older, newer]), { z9: 'debian', a1: 'debian_a1' });
  });

  it('an image the cloud gives no date counts as older than a dated one of the same name', () => {
    const undated: ImageInfo = { id: 'z9', name: 'debian' };
    const dated: ImageInfo = { id: 'a1', name: 'debian', created: '2020-01-01T00:00:00Z' };
    assert.deepEqual(terms([dated, undated]), { z9: 'debian', a1: 'debian_a1' });
    assert.deepEqual(terms([undated, dated]), { z9: 'debian', a1: 'debian_a1' });
  });
});

describe('openstack template rules: flavors', () => {
  it("a flavor's ephemeral disk is its template's default, 0 where the cloud says none", () => {
    const f = (more: Partial<NovaFlavor>): NovaFlavor => ({ id: 'f1', name: 'small', vcpus: 1, ram: 512, disk: 1, ...more });
    const [withEph] = new TemplateIndex([], [f({ 'OS-FLV-EXT-DATA:ephemeral': 10 } as Partial<NovaFlavor>)]).resource;
    assert.equal(templateDefault(withEph!, FLAVOR_EPHEMERAL), 10);
    const [without] = new TemplateIndex([], [f({})]).resource;
    assert.equal(templateDefault(without!, FLAVOR_EPHEMERAL), 0);
  });
});
