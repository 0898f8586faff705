// Collections as the services list them, doing no more than the answer needs
// (issue 7): a text listing of computes is Nova's cheap listing (ids and
// names, one call), not servers/detail with every server's ports, floating
// IPs and volumes; a page is the services' own `limit`/`marker` in id order,
// one more item asked to know whether more follow; only the calls the page's
// servers need are made. Filters on records (mixins, attribute values) and
// clouds that do not page (Synnefo) list the kind and filter here.
import { OcciError } from '../../../errors.js';
import type { EntityKindTerm, EntityRecord, EntityRef, LinkKindTerm } from '../../../port/backend.js';
import { applyListQuery, type Listing, type ListQuery } from '../../../port/list-query.js';
import type { Cloud } from '../cloud.js';
import type { PageAsk } from '../clients/service-client.js';
import type { ComputeReader } from './compute-read.js';
import type { LinkService } from './link-service.js';
import { listNetworks } from './network-service.js';
import { listStorage, type StorageDeps } from './storage-service.js';

export interface ListingDeps {
  reader: ComputeReader;
  links: LinkService;
  storage: StorageDeps;
}

export async function listKind(cloud: Cloud, q: ListQuery, d: ListingDeps): Promise<Listing<EntityRef>> {
  if (q.kind === 'networkinterface' || q.kind === 'storagelink') return applyListQuery(await d.links.list(cloud, q.kind as LinkKindTerm), q);
  const onRecords = (q.mixins?.length ?? 0) > 0 || (q.where?.length ?? 0) > 0;
  if (onRecords) return inMemory(await fetcher(cloud, q.kind, 'records', d)(), q);
  const fetch = fetcher(cloud, q.kind, q.detail, d);
  if (q.ids !== undefined || !cloud.dialect.nativePaging) return inMemory(await fetch(), q);
  return servicePage(fetch, q);
}

/** The query answered from every entity of the kind; refs are filtered by ids only (mixins and values take the records' path). */
function inMemory(all: EntityRef[], q: ListQuery): Listing<EntityRef> {
  return applyListQuery(all as EntityRecord[], q);
}

type Fetch = (page?: PageAsk) => Promise<EntityRef[]>;

/** How to list a resource kind, whole or by page: refs where the service has a cheaper listing. */
function fetcher(cloud: Cloud, kind: EntityKindTerm, detail: ListQuery['detail'], d: ListingDeps): Fetch {
  switch (kind) {
    case 'compute':
      if (detail === 'records') return (p) => d.reader.list(cloud, p);
      // Cyclades' cheap listing still names servers on their way out, which only the detail's task state tells.
      return cloud.dialect.name === 'synnefo'
        ? async (p) => (await cloud.nova.listServers(p)).map((s) => ({ kind, id: String(s.id) }))
        : async (p) => (await cloud.nova.listServerRefs(p)).map((s) => ({ kind, id: String(s.id) }));
    case 'network':
      return detail === 'refs' ? async (p) => (await cloud.neutron.listNetworks(p)).map((n) => ({ kind, id: String(n.id) })) : (p) => listNetworks(cloud, p);
    case 'storage':
      return (p) => listStorage(cloud, d.storage, p);
    default:
      throw new Error(`no listing of ${kind} by page`);
  }
}

/**
 * One page from the service: `offset` more are skipped after the cursor, one
 * more is asked for to know whether more follow. A cursor the service no
 * longer knows (its entity deleted meanwhile) is answered from the whole list.
 */
async function servicePage(fetch: Fetch, q: ListQuery): Promise<Listing<EntityRef>> {
  const page = q.page;
  if (!page) {
    const all = byId(await fetch());
    return { items: all, more: false, total: all.length };
  }
  const offset = page.offset ?? 0;
  let got: EntityRef[];
  try {
    const shown = { skip: offset, take: page.limit };
    got = await fetch({ limit: offset + page.limit + 1, shown, ...(page.after !== undefined ? { marker: page.after } : {}) });
  } catch (err) {
    if (page.after !== undefined && err instanceof OcciError && (err.status === 400 || err.status === 404)) {
      return inMemory(await fetch(), q);
    }
    throw err;
  }
  // Whatever the service did with limit and marker, the answer is cut here too.
  const after = page.after;
  const sorted = byId(got).filter((r) => after === undefined || r.id > after);
  const items = sorted.slice(offset, offset + page.limit);
  const more = sorted.length > offset + page.limit;
  // Without a cursor and with nothing after the page, every entity was read: the total is known.
  const whole = !more && after === undefined;
  return { items, more, ...(more ? { next: items[items.length - 1]?.id } : {}), ...(whole ? { total: sorted.length } : {}) };
}

function byId<T extends EntityRef>(items: T[]): T[] {
  return items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
