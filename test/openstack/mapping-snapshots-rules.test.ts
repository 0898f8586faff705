// The snapshot_tpl rules that mutants of src/backends/openstack/mapping/snapshots.ts
// got past in the first Stryker run over mapping/ (docs/testing.md): the family
// and each snapshot's mixin as clients see them in the query interface
// (docs/openstack.md: scheme, location, attributes, what they apply to), and the
// titles and terms of snapshots without a name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CinderSnapshot } from '../../src/backends/openstack/clients/cinder.js';
import { isSnapshotTemplate, SNAPSHOT_TPL, SnapshotIndex, snapshotTemplate } from '../../src/backends/openstack/mapping/snapshots.js';
import { typeId } from '../../src/model/category.js';
import { STORAGE } from '../../src/model/infrastructure.js';
import { osTemplate } from '../../src/model/templates.js';
import type { Mixin } from '../../src/model/category.js';

const snap = (more: Partial<CinderSnapshot> = {}): CinderSnapshot => ({ id: 'sn1', volume_id: 'v1', size: 2, status: 'available', ...more });

describe('openstack snapshot rules: the mixins', () => {
  it('the family is infrastructure#snapshot_tpl at /snapshot_tpl/, applying to storage, with a title', () => {
    assert.equal(typeId(SNAPSHOT_TPL), 'http://schemas.snf-occi.org/occi/infrastructure#snapshot_tpl');
    assert.equal(SNAPSHOT_TPL.location, '/snapshot_tpl/');
    assert.deepEqual(SNAPSHOT_TPL.applies.map(typeId), [typeId(STORAGE)]);
    assert.match(SNAPSHOT_TPL.title ?? '', /snapshot/i);
  });

  it("a snapshot is a mixin of the snapshot_tpl scheme under /templates/snapshot/, applying to storage, with its size and its cloud id", () => {
    const m = snapshotTemplate(snap(), 'daily backup');
    assert.equal(m.scheme, 'http://schemas.snf-occi.org/occi/snapshot_tpl#');
    assert.equal(m.location, '/templates/snapshot/daily%20backup/');
    assert.deepEqual(m.applies.map(typeId), [typeId(STORAGE)]);
    assert.deepEqual(m.depends.map(typeId), [typeId(SNAPSHOT_TPL)]);
    const size = m.attributes.get('occi.storage.size')!;
    assert.deepEqual([size.default, size.minimum], [2, 2]);
    assert.notEqual(size.description ?? '', '', 'the size says what it is');
    const id = m.attributes.get('org.openstack.snapshot.id')!;
    assert.deepEqual([id.default, id.mutable], ['sn1', false]);
    assert.notEqual(id.description ?? '', '');
    assert.deepEqual([...m.attributes.keys()].sort(), ['occi.storage.size', 'org.openstack.snapshot.id']);
  });

  it("only a mixin related to snapshot_tpl is a snapshot template, not one related to nothing nor another family", () => {
    assert.equal(isSnapshotTemplate(snapshotTemplate(snap(), 'daily')), true);
    const plain: Mixin = { ...SNAPSHOT_TPL, term: 'mine', depends: [] };
    assert.equal(isSnapshotTemplate(plain), false);
    assert.equal(isSnapshotTemplate(osTemplate({ id: 'i1', term: 'debian', title: 'Debian' })), false);
    assert.equal(isSnapshotTemplate({ ...plain, depends: [osTemplate({ id: 'i1', term: 'x', title: 'x' }), SNAPSHOT_TPL] }), true);
  });
});

describe('openstack snapshot rules: names', () => {
  it('a snapshot without a name is titled by its id and has snapshot-id as its term', () => {
    const index = new SnapshotIndex([snap({ id: 'sn7', name: null, display_name: null })]);
    const [m] = index.mixins;
    assert.equal(m!.term, 'snapshot-sn7');
    assert.equal(m!.title, 'Snapshot sn7 of storage v1 (2 GB)');
  });

  it("a snapshot's name falls back to display_name (Synnefo, Cinder v1); two of one name get name_id", () => {
    const index = new SnapshotIndex([snap({ id: 'a', name: 'nightly' }), snap({ id: 'b', display_name: 'nightly' })]);
    assert.deepEqual(index.mixins.map((m) => m.term).sort(), ['nightly_a', 'nightly_b']);
    assert.match(index.mixins[1]!.title ?? '', /^Snapshot nightly of storage v1/);
  });
});
