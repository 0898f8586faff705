// Checks shared by the actions of every kind: is the action the kind's, does
// the state allow it (409 naming the state, D2), what parameters came with it.
import { badRequest, conflict } from '../../errors.js';
import type { Action, Kind } from '../../model/category.js';
import { typeId } from '../../model/category.js';
import { isApplicable } from '../../model/lifecycle.js';
import type { Attributes } from '../../port/backend.js';

/** The kind's own action matching `action` by type id; 400 when the kind has none such. */
export function kindAction(kind: Kind, action: Action): Action {
  const id = typeId(action);
  const found = kind.actions.find((a) => typeId(a) === id);
  if (!found) throw badRequest(`${id} is not an action of ${kind.term}`);
  return found;
}

/** 409 unless the state machine allows `action` in `state`; `what` names the entity. */
export function assertApplicable(kind: Kind, what: string, state: string, action: Action): void {
  if (!isApplicable(kind, state, action)) throw conflict(`cannot ${action.term} ${what}: it is ${state}`);
}

/** An enum parameter (e.g. `method`): the given value, checked, or the action's default. */
export function enumParam(action: Action, params: Attributes, name: string): string {
  const def = action.attributes.get(name);
  const value = params[name] ?? def?.default;
  if (typeof value !== 'string' || (def?.enum && !def.enum.includes(value))) {
    throw badRequest(`${action.term} parameter ${name} must be one of ${def?.enum?.join(', ') ?? 'a string'}`);
  }
  return value;
}
