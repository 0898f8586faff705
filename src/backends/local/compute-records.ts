// Compute rows → records: the image and flavor give the templates, cores,
// memory and architecture; the links come in one query per batch. And how a
// listing reads them: the columns a record shows, filters as columns,
// templates as their image and flavor ids.
import { typeId } from '../../model/category.js';
import { SSH_KEY, USER_DATA } from '../../model/infrastructure.js';
import type { LinkRecord, ResourceRecord } from '../../port/backend.js';
import { present } from './attributes.js';
import { type ClockColumns, type ShownClock, clockColumns, clockValue, shownClockColumns } from './clock.js';
import type { Links } from './links.js';
import { columnsOf, type ListingSpec } from './listing.js';
import type { Catalogue } from './templates.js';

export interface ComputeRow extends ClockColumns {
  id: string;
  tenant: string;
  title: string | null;
  summary: string | null;
  hostname: string | null;
  image_id: string;
  flavor_id: string;
  ssh_key: string | null;
  user_data: string | null;
}

export const PUBLIC_KEY = 'occi.credentials.ssh.publickey';
export const USER_DATA_ATTR = 'occi.compute.userdata';
const SSH_KEY_ID = typeId(SSH_KEY);
const USER_DATA_ID = typeId(USER_DATA);

/** A compute row as it stands now (a due transition shows its outcome). */
export const COLUMNS = `c.id, c.tenant, c.title, c.summary, c.hostname, c.image_id, c.flavor_id, c.ssh_key, c.user_data, ${clockColumns('c')}`;
/** What a listing reads: the columns a record shows. */
const SHOWN = `c.id, c.title, c.summary, c.hostname, c.image_id, c.flavor_id, c.ssh_key, c.user_data, ${shownClockColumns('c')}`;
type ShownCompute = Omit<ComputeRow, 'tenant' | keyof ClockColumns> & ShownClock;

export class ComputeRecords {
  readonly listing: ListingSpec;

  constructor(
    private readonly catalogue: Catalogue,
    links: Links,
  ) {
    this.listing = {
      kind: 'compute',
      table: 'computes c',
      alias: 'c',
      tenant: 'c.tenant',
      columns: SHOWN,
      attributes: columnsOf('c', {
        'occi.core.title': 'title',
        'occi.core.summary': 'summary',
        'occi.compute.hostname': 'hostname',
        'occi.compute.state': `CASE ${clockValue('c', 'state')} WHEN 'waiting' THEN 'inactive' ELSE ${clockValue('c', 'state')} END`,
        'occi.compute.state.message': clockValue('c', 'message'),
        [PUBLIC_KEY]: 'ssh_key',
        [USER_DATA_ATTR]: 'user_data',
      }),
      mixin: (id, param, tenant) => {
        const image = catalogue.imageByTypeId(tenant, id);
        if (image) return { sql: `c.image_id = @${param}`, value: image.id };
        const flavor = catalogue.flavorByTypeId(id);
        return flavor && { sql: `c.flavor_id = @${param}`, value: flavor.id };
      },
      records: (rows, tenant) => {
        const computes = rows as ShownCompute[];
        const byCompute = links.ofComputes(tenant, computes.map((r) => r.id));
        return computes.map((r) => this.toRecord(r, byCompute.get(r.id) ?? []));
      },
    };
  }

  toRecord(r: ShownCompute, links: LinkRecord[]): ResourceRecord {
    const image = this.catalogue.imageById(r.image_id);
    const flavor = this.catalogue.flavorById(r.flavor_id);
    const mixins = [image.typeId, flavor.typeId];
    if (r.ssh_key !== null) mixins.push(SSH_KEY_ID);
    if (r.user_data !== null) mixins.push(USER_DATA_ID);
    const attributes = present({
      'occi.core.title': r.title,
      'occi.core.summary': r.summary,
      'occi.compute.architecture': image.architecture,
      'occi.compute.cores': flavor.cores,
      'occi.compute.memory': flavor.ramMiB / 1024,
      'occi.compute.hostname': r.hostname,
      // Data written before 1.2's enum was kept said 'waiting' for a build (R91).
      'occi.compute.state': r.state === 'waiting' ? 'inactive' : r.state,
      'occi.compute.state.message': r.message,
      [PUBLIC_KEY]: r.ssh_key,
      [USER_DATA_ATTR]: r.user_data,
    });
    return { kind: 'compute', id: r.id, mixins, attributes, links, busy: r.pending_until !== null };
  }
}
