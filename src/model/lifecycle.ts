// The infrastructure state machines (spec §2.2–2.4, D21): which actions apply
// in which state. Used to render applicable actions (R56, R57) and by the
// embedded cloud to refuse what the state forbids (409, D2).
import type { Action, Kind } from './category.js';
import * as I from './infrastructure.js';

const COMPUTE_RULES: Record<string, readonly Action[]> = {
  active: [I.COMPUTE_STOP, I.COMPUTE_RESTART, I.COMPUTE_SUSPEND, I.COMPUTE_SAVE],
  inactive: [I.COMPUTE_START, I.COMPUTE_SAVE],
  suspended: [I.COMPUTE_START, I.COMPUTE_STOP],
  waiting: [],
  // D21: recovery from error.
  error: [I.COMPUTE_START, I.COMPUTE_RESTART],
};

const NETWORK_RULES: Record<string, readonly Action[]> = {
  active: [I.NETWORK_DOWN],
  inactive: [I.NETWORK_UP],
  error: [I.NETWORK_UP],
};

const STORAGE_RULES: Record<string, readonly Action[]> = {
  online: [I.STORAGE_OFFLINE, I.STORAGE_BACKUP, I.STORAGE_SNAPSHOT, I.STORAGE_RESIZE],
  offline: [I.STORAGE_ONLINE, I.STORAGE_RESIZE],
  error: [I.STORAGE_ONLINE],
};

const RULES = new Map<Kind, { attribute: string; rules: Record<string, readonly Action[]> }>([
  [I.COMPUTE, { attribute: 'occi.compute.state', rules: COMPUTE_RULES }],
  [I.NETWORK, { attribute: 'occi.network.state', rules: NETWORK_RULES }],
  [I.STORAGE, { attribute: 'occi.storage.state', rules: STORAGE_RULES }],
]);

/** The state attribute name of a kind, if it has a state machine with actions. */
export function stateAttribute(kind: Kind): string | undefined {
  return RULES.get(kind)?.attribute;
}

/** Actions of `kind` that apply to an entity in `state`. */
export function applicableActions(kind: Kind, state: unknown): readonly Action[] {
  const entry = RULES.get(kind);
  if (!entry || typeof state !== 'string') return [];
  return entry.rules[state] ?? [];
}

export function isApplicable(kind: Kind, state: unknown, action: Action): boolean {
  return applicableActions(kind, state).includes(action);
}
