// The embedded cloud's template rules, stated one by one (from the survivors
// of the first Stryker run over src/backends/local/, issue 14): settings
// naming templates it lacks stop the start, saying which and what there is;
// an unknown resource template is named; a size no flavor offers names what
// was asked and the largest; memory a rounding error over a flavor's fits
// it; a snapshot's name when the one given is empty or the title has no
// letters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openLocalCloud } from '../../src/backends/local/index.js';
import { typeId } from '../../src/model/category.js';
import { resourceTemplate } from '../../src/model/templates.js';
import { rejectsWith } from './contract.js';
import { computeAction, harness, spec, tempDir, template, TOKENS } from './local-harness.js';

const BOOT_MS = 3000;

describe('local cloud: template rules', () => {
  it('refuses to start with a default resource template or failing images it does not have, naming them', () => {
    assert.throws(
      () => openLocalCloud({ dataDir: tempDir(), memory: true, tokens: TOKENS, defaultResourceTemplate: 'C64R1D1' }),
      (e: Error) => e.message === 'default resource template C64R1D1 is not a flavor of the embedded cloud',
    );
    assert.throws(
      () => openLocalCloud({ dataDir: tempDir(), memory: true, tokens: TOKENS, failingImages: ['CentOS', 'Windows', 'Plan9'] }),
      (e: Error) => e.message === 'local.failingImages: Windows, Plan9 is not an image of the embedded cloud (Debian, Ubuntu, CentOS)',
    );
  });

  it('names a resource template it does not offer, and a size no flavor offers with the largest', async () => {
    const h = await harness();
    const huge = resourceTemplate({ id: 'huge', term: 'C64R1024D10', cores: 64, ramMiB: 1024, diskGB: 10 });
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', {}, [huge])), 400, new RegExp(`^unknown resource template ${typeId(huge).replace(/[.#/]/g, '\\$&')}$`));
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.memory': 1000 })), 400, /^no resource template offers occi\.compute\.memory=1000; the largest is C8R16384D160$/);
    await rejectsWith(
      h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.cores': 64, 'occi.compute.memory': 1000 })),
      400,
      /^no resource template offers occi\.compute\.cores=64, occi\.compute\.memory=1000; the largest is C8R16384D160$/,
    );
    await h.cloud.close();
  });

  it('fits memory a rounding error (a billionth of a MiB) over a flavor\'s to that flavor', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.memory': 1 + 1e-9 / 1024 }));
    assert.ok(vm.mixins.includes(typeId(await template(h, 'C1R1024D10'))), vm.mixins.join(' '));
    await h.cloud.close();
  });

  it('names a snapshot after the compute when the name given is empty, and "compute" when its title has nothing a term keeps', async () => {
    const h = await harness({ bootMs: BOOT_MS });
    const web = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 'web' }));
    const stars = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': '***' }));
    h.advance(BOOT_MS);
    const named = await h.cloud.action(h.alice, 'compute', web.id, computeAction('save'), { name: '' });
    assert.equal(named.mixin?.term, 'web-snapshot-1');
    const bare = await h.cloud.action(h.alice, 'compute', stars.id, computeAction('save'), {});
    assert.equal(bare.mixin?.term, 'compute-snapshot-1');
    await h.cloud.close();
  });
});
