// Triggering actions (spec §3.5.3, §3.6.3): on one entity or a whole collection.
import type { Attributes, EntityRecord } from '../port/backend.js';
import { badRequest, conflict } from '../errors.js';
import { mixinClosure, typeId, type Action, type Kind, type Mixin } from '../model/category.js';
import { didYouMean } from '../model/closest.js';
import { allowedActions, busyRefusal, isApplicable, stateAttribute, stateRefusal } from '../model/lifecycle.js';
import { validateValue } from '../model/validate.js';
import type { Payload } from '../rendering/document.js';
import type { OcciContext } from './context.js';
import { fetchEntity } from './entities.js';
import { ENTITY_KINDS, type EntityLocation } from './locations.js';
import type { OcciResult } from './result.js';
import { singleView } from './views.js';

/** Actions defined by a kind (and its parents) and by the given mixins and what they depend on. */
function definedActions(kind: Kind, mixins: readonly Mixin[]): Action[] {
  const out = new Set<Action>();
  for (let k: Kind | undefined = kind; k; k = k.parent) k.actions.forEach((a) => out.add(a));
  for (const m of mixins) for (const dep of mixinClosure(m)) dep.actions.forEach((a) => out.add(a));
  return [...out];
}

/** Picks the action `?action=term` names, checked against the invocation's Category (R78–R80, R83); `owner` names what it is for. */
export function chooseAction(term: string, candidates: readonly Action[], payload: Payload, owner = 'this entity'): Action {
  const matching = candidates.filter((a) => a.term === term);
  if (matching.length === 0) {
    const terms = candidates.map((a) => a.term);
    const guess = didYouMean(term, terms);
    const known = terms.length > 0 ? `its actions are ${terms.join(', ')}` : 'it has no actions';
    throw badRequest(`${owner} has no action "${term}"${guess ? `: ${guess}` : ''}; ${known}`);
  }
  const refs = payload.categories;
  if (refs.length === 0) {
    if (matching.length > 1) throw conflict(`several actions are called ${term}: ${matching.map(typeId).join(', ')}; send the Category of the one you mean`); // R83
    throw badRequest(`an action invocation needs the action's Category, e.g. Category: ${term}; scheme="${matching[0].scheme}"; class="action" (JSON: {"action": "${typeId(matching[0])}"})`); // R78, D29
  }
  if (refs.length > 1) throw badRequest('an action invocation carries exactly one Category');
  const ref = refs[0];
  if (ref.term !== term) throw badRequest(`?action=${term} and the Category ${ref.term} name different actions: make them the same`); // R80, R142
  if (ref.class && ref.class !== 'action') throw badRequest(`the Category of an action invocation must be of class "action", not "${ref.class}"`);
  const chosen = ref.scheme ? matching.filter((a) => a.scheme === ref.scheme) : matching;
  if (chosen.length === 0) throw badRequest(`${owner} has no action ${ref.scheme}${ref.term}; its ${term} is ${matching.map(typeId).join(' or ')}`); // R79
  if (chosen.length > 1) throw conflict(`several actions are called ${term}: ${chosen.map(typeId).join(', ')}; give the scheme of the one you mean`); // R83
  return chosen[0];
}

/** Checks the invocation's parameters against the action's attributes (R82). */
export function actionParameters(action: Action, given: Payload['attributes']): Attributes {
  const out: Attributes = {};
  for (const [name, value] of Object.entries(given)) {
    const def = action.attributes.get(name);
    if (!def) throw badRequest(`action ${action.term} has no parameter ${name}; it takes ${[...action.attributes.keys()].join(', ') || 'none'}`);
    out[name] = validateValue(def, value);
  }
  for (const def of action.attributes.values()) {
    if (def.required && out[def.name] === undefined) throw badRequest(`action ${action.term} needs the parameter ${def.name}`);
  }
  return out;
}

function entityMixins(ctx: OcciContext, record: EntityRecord): Mixin[] {
  return record.mixins.map((id) => ctx.catalog.mixinById(id)).filter((m): m is Mixin => m !== undefined);
}

/** The actions of its kind a record can run now, by term: its state's, less those its cloud refuses now. */
function allowedNow(kind: Kind, record: EntityRecord, state: string, lifecycle: OcciContext['backend']['lifecycle']): string[] {
  const refused = 'refused' in record ? (record.refused ?? []) : [];
  return allowedActions(kind, record.attributes[state], lifecycle, refused).map((a) => a.term);
}

// R81, D2: an action the state does not allow is a 409 that says what is allowed now.
function checkState(kind: Kind, record: EntityRecord, action: Action, lifecycle: OcciContext['backend']['lifecycle']): void {
  const entity = `${record.kind} ${record.id}`;
  if ('busy' in record && record.busy) {
    throw conflict(busyRefusal(entity, action, String(record.attributes[`occi.${record.kind}.state.message`] ?? 'in transition')));
  }
  const attr = stateAttribute(kind);
  if (attr && kind.actions.includes(action) && !isApplicable(kind, record.attributes[attr], action, lifecycle)) {
    throw conflict(stateRefusal(entity, action, String(record.attributes[attr]), allowedNow(kind, record, attr, lifecycle)));
  }
}

/** POST <entity>?action=term. Answers the entity afterwards, or the new OS template for save (R86, D7). */
export async function trigger(ctx: OcciContext, loc: EntityLocation, term: string, payload: Payload): Promise<OcciResult> {
  const record = await fetchEntity(ctx, loc, { action: term });
  const kind = ENTITY_KINDS.get(loc.kind)!;
  const action = chooseAction(term, definedActions(kind, entityMixins(ctx, record)), payload, `${loc.kind} ${loc.id}`);
  const params = actionParameters(action, payload.attributes);
  checkState(kind, record, action, ctx.backend.lifecycle);
  const outcome = await ctx.backend.action(ctx.creds, loc.kind, loc.id, action, params, record);
  if (outcome.mixin) return { type: 'categories', list: [{ category: outcome.mixin, location: ctx.base + outcome.mixin.location }] };
  const after = outcome.entity ?? (await fetchEntity(ctx, loc));
  return { type: 'entity', view: await singleView(ctx, after) };
}

/**
 * POST <collection>?action=term (R84, R85): every member must allow the action
 * before any is touched, so a state conflict changes nothing.
 */
export async function triggerOnAll(
  ctx: OcciContext,
  owner: Kind | Mixin,
  members: EntityRecord[],
  term: string,
  payload: Payload,
): Promise<EntityRecord[]> {
  // The action must be defined by the kind or mixin that owns the location (spec §3.6.3).
  const defined = owner.class === 'kind' ? definedActions(owner, []) : mixinClosure(owner).flatMap((m) => m.actions);
  const action = chooseAction(term, defined, payload, owner.class === 'kind' ? `the ${owner.term} collection` : `the ${owner.term} mixin`);
  const params = actionParameters(action, payload.attributes);
  for (const r of members) {
    const kind = ENTITY_KINDS.get(r.kind)!;
    if (!definedActions(kind, entityMixins(ctx, r)).includes(action)) {
      throw badRequest(`action ${typeId(action)} is not one of ${r.kind} ${r.id}'s, so the collection cannot run it: nothing was done`); // R85
    }
    checkState(kind, r, action, ctx.backend.lifecycle);
  }
  const outcomes = await Promise.all(members.map((r) => ctx.backend.action(ctx.creds, r.kind, r.id, action, params, r)));
  return outcomes.map((o, i) => o.entity ?? members[i]);
}
