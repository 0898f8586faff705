// Cinder snapshots as storage templates: each snapshot the project has is a
// mixin of the snapshot_tpl family, as each image is an os_tpl. A storage
// created with one starts as a copy of the snapshot (Cinder snapshot_id), and
// carries it from then on, as a compute carries its os_tpl; the snapshot
// action answers the new one, as save answers the new os_tpl; deleting the
// mixin in the query interface deletes the snapshot. Terms are the
// snapshots' names, made unique as templates are.
import { attr } from '../../../model/attribute-builders.js';
import { attributeMap, typeId, type Mixin } from '../../../model/category.js';
import { STORAGE } from '../../../model/infrastructure.js';
import { PROVIDER, PROVIDER_INFRA } from '../../../model/schemes.js';
import type { CinderSnapshot } from '../clients/cinder.js';
import { volumeStatus } from './status.js';
import { MixinSet } from './mixin-set.js';
import { uniqueTerms } from './templates.js';

export const SNAPSHOT_SCHEME = `${PROVIDER}/snapshot_tpl#`;
export const SNAPSHOT_ID = 'org.openstack.snapshot.id';

/** The parent of the family: it names the family, no storage carries it. */
export const SNAPSHOT_TPL: Mixin = {
  class: 'mixin',
  scheme: PROVIDER_INFRA,
  term: 'snapshot_tpl',
  title: 'Storage snapshot: a storage created with one starts as a copy of it',
  location: '/snapshot_tpl/',
  attributes: attributeMap([]),
  depends: [],
  applies: [STORAGE],
  actions: [],
  origin: 'provider',
};

const PARENT = typeId(SNAPSHOT_TPL);

export function isSnapshotTemplate(m: Mixin): boolean {
  return m.depends.some((d) => typeId(d) === PARENT);
}

/** Snapshots worth offering: usable ones, and those still being written (a fresh snapshot action). */
const OFFERED = new Set(['available', 'creating']);

export function snapshotTemplate(s: CinderSnapshot, term: string): Mixin {
  const name = s.name ?? s.display_name ?? '';
  const when = s.created_at ? `, ${s.created_at.slice(0, 16).replace('T', ' ')}` : '';
  return {
    class: 'mixin',
    scheme: SNAPSHOT_SCHEME,
    term,
    title: `Snapshot ${name || String(s.id)} of storage ${String(s.volume_id)} (${s.size} GB${when})`,
    location: `/templates/snapshot/${encodeURIComponent(term)}/`,
    attributes: attributeMap([
      attr('occi.storage.size', 'float', 'Storage size in gigabytes: the snapshot\'s, or more', { default: s.size, minimum: s.size }),
      { ...attr(SNAPSHOT_ID, 'string', 'Snapshot identifier in the cloud', { default: String(s.id) }), mutable: false },
    ]),
    depends: [SNAPSHOT_TPL],
    applies: [STORAGE],
    actions: [],
    origin: 'provider',
    providerId: String(s.id),
  };
}

/** The snapshots one project has, as mixins. */
export class SnapshotIndex extends MixinSet {
  constructor(snapshots: readonly CinderSnapshot[]) {
    const offered = snapshots.filter((s) => OFFERED.has(volumeStatus(s.status)));
    const terms = uniqueTerms(offered, (s) => s.name ?? s.display_name ?? '', (s) => String(s.id), 'snapshot');
    // uniqueTerms gives every snapshot it was handed a term.
    super(offered.map((s) => snapshotTemplate(s, terms.get(s)!)));
  }
}
