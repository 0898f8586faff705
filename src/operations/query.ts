// The query interface at /-/ (spec §3.4): discovery with filters (R18–R27,
// D6), and the definition and removal of user mixins (R28–R33).
import { dependsOn, typeId, type Category } from '../model/category.js';
import type { CategoryView, Payload } from '../rendering/document.js';
import { absolute, type OcciContext } from './context.js';
import type { OcciResult } from './result.js';
import { defineUserMixins, deleteUserMixins } from './user-mixins.js';

function view(ctx: OcciContext, c: Category): CategoryView {
  return c.class !== 'action' && c.location ? { category: c, location: absolute(ctx, c.location) } : { category: c };
}

/**
 * The categories "related to" one (1.2 query interface filter): a kind and its
 * actions; a mixin, its actions and the mixins that depend on it (os_tpl:
 * every OS template); an action alone.
 */
function related(ctx: OcciContext, c: Category): Category[] {
  if (c.class === 'action') return [c];
  const dependents = c.class === 'mixin' ? ctx.catalog.mixins.filter((m) => dependsOn(m, c)) : [];
  return [c, ...c.actions, ...dependents];
}

/**
 * GET /-/. A Category filter (header or ?category=) selects by scheme+term (an
 * empty scheme matches by term) and answers the categories related to it;
 * several give their union. OCCI/1.1 clients get the named categories only,
 * as 1.1 has it (R27, D6). A filter that matches nothing gives an empty list.
 */
export function discover(ctx: OcciContext, filter: Payload): Extract<OcciResult, { type: 'categories' }> {
  let list = ctx.catalog.all;
  if (filter.categories.length) {
    const wanted = new Set<string>();
    for (const ref of filter.categories) {
      const found = ctx.catalog.resolve(ref);
      if (found) for (const c of ctx.occi11 ? [found] : related(ctx, found)) wanted.add(typeId(c));
    }
    list = list.filter((c) => wanted.has(typeId(c)));
  }
  return { type: 'categories', list: list.map((c) => view(ctx, c)) };
}

export async function addMixins(ctx: OcciContext, payload: Payload): Promise<OcciResult> {
  await defineUserMixins(ctx, payload.categories);
  return { type: 'ok' };
}

export async function removeMixins(ctx: OcciContext, payload: Payload): Promise<OcciResult> {
  await deleteUserMixins(ctx, payload.categories);
  return { type: 'ok' };
}
