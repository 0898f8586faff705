// The query interface at /-/ (spec §3.4): discovery with filters (R18–R27,
// D6), and the definition and removal of user mixins (R28–R33).
import { typeId, type Category } from '../model/category.js';
import type { CategoryView, Payload } from '../rendering/document.js';
import { absolute, type OcciContext } from './context.js';
import type { OcciResult } from './result.js';
import { defineUserMixins, deleteUserMixins } from './user-mixins.js';

function view(ctx: OcciContext, c: Category): CategoryView {
  return c.class !== 'action' && c.location ? { category: c, location: absolute(ctx, c.location) } : { category: c };
}

/**
 * GET /-/. Category headers select categories by exact scheme+term (D6; an empty
 * scheme matches by term); several headers give their union. A filter that
 * matches nothing gives an empty list, not an error.
 */
export function discover(ctx: OcciContext, filter: Payload): OcciResult {
  let list = ctx.catalog.all;
  if (filter.categories.length) {
    const wanted = new Set<string>();
    for (const ref of filter.categories) {
      const found = ctx.catalog.resolve(ref);
      if (found) wanted.add(typeId(found));
    }
    list = list.filter((c) => wanted.has(typeId(c)));
  }
  return { type: 'categories', list: list.map((c) => view(ctx, c)) };
}

export function addMixins(ctx: OcciContext, payload: Payload): OcciResult {
  defineUserMixins(ctx, payload.categories);
  return { type: 'ok' };
}

export function removeMixins(ctx: OcciContext, payload: Payload): OcciResult {
  deleteUserMixins(ctx, payload.categories);
  return { type: 'ok' };
}
