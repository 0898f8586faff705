// The infrastructure state machines, as the spec draws them (spec §2.2–2.4,
// D21): which actions apply in which state. Used to render applicable actions
// (R56, R57), to refuse what the state forbids (409, D2), and by the embedded
// cloud, which runs exactly these diagrams. A cloud that can do more in some
// state (OpenStack stops a suspended server) declares it as a
// LifecycleExtension, and the same functions then advertise and allow it.
import type { Action, Kind } from './category.js';
import * as I from './infrastructure.js';

type Rules = Readonly<Record<string, readonly Action[]>>;

// Compute (spec §2.2): inactive ─start→ active ─stop→ inactive; active ─suspend→ suspended ─start→ active;
// restart and save from active; D21: start and restart recover from error.
const COMPUTE_RULES: Rules = {
  active: [I.COMPUTE_STOP, I.COMPUTE_RESTART, I.COMPUTE_SUSPEND, I.COMPUTE_SAVE],
  inactive: [I.COMPUTE_START],
  suspended: [I.COMPUTE_START],
  error: [I.COMPUTE_START, I.COMPUTE_RESTART],
};

// Network (spec §2.3): inactive ─up→ active ─down→ inactive; D21: up recovers from error.
const NETWORK_RULES: Rules = {
  active: [I.NETWORK_DOWN],
  inactive: [I.NETWORK_UP],
  error: [I.NETWORK_UP],
};

// Storage (spec §2.4): offline ─online→ online ─offline→ offline; the 1.1 backup, snapshot and
// resize run from online (D32); D21: online recovers from error.
const STORAGE_RULES: Rules = {
  online: [I.STORAGE_OFFLINE, I.STORAGE_BACKUP, I.STORAGE_SNAPSHOT, I.STORAGE_RESIZE],
  offline: [I.STORAGE_ONLINE],
  error: [I.STORAGE_ONLINE],
};

type StatefulKind = 'compute' | 'network' | 'storage';

const MACHINES = new Map<Kind, { term: StatefulKind; attribute: string; rules: Rules }>([
  [I.COMPUTE, { term: 'compute', attribute: 'occi.compute.state', rules: COMPUTE_RULES }],
  [I.NETWORK, { term: 'network', attribute: 'occi.network.state', rules: NETWORK_RULES }],
  [I.STORAGE, { term: 'storage', attribute: 'occi.storage.state', rules: STORAGE_RULES }],
]);

/** Actions (by term) a cloud runs beyond the spec's diagrams: kind → state → terms. */
export type LifecycleExtension = Readonly<Partial<Record<StatefulKind, Readonly<Record<string, readonly string[]>>>>>;

export const SPEC_ONLY: LifecycleExtension = {};

/** The state attribute name of a kind, if it has a state machine with actions. */
export function stateAttribute(kind: Kind): string | undefined {
  return MACHINES.get(kind)?.attribute;
}

/** Actions of `kind` that apply to an entity in `state`: the spec's, plus the cloud's extension. */
export function applicableActions(kind: Kind, state: unknown, extension: LifecycleExtension = SPEC_ONLY): readonly Action[] {
  const machine = MACHINES.get(kind);
  if (!machine || typeof state !== 'string' || !Object.hasOwn(machine.rules, state)) return [];
  const spec = machine.rules[state]!;
  const extra = extension[machine.term]?.[state];
  if (!extra?.length) return spec;
  // The kind's own order, so the rendering does not depend on where an action came from.
  return kind.actions.filter((a) => spec.includes(a) || extra.includes(a.term));
}

/** The actions an entity in `state` may run now: the applicable ones, less those its cloud refuses (by term). */
export function allowedActions(kind: Kind, state: unknown, extension: LifecycleExtension = SPEC_ONLY, refused: readonly string[] = []): Action[] {
  return applicableActions(kind, state, extension).filter((a) => !refused.includes(a.term));
}

export function isApplicable(kind: Kind, state: unknown, action: Action, extension: LifecycleExtension = SPEC_ONLY): boolean {
  return applicableActions(kind, state, extension).includes(action);
}

/**
 * Why an action cannot run now, in the client's words (R81, D2): the state
 * it is in and the actions it allows instead. `entity`: "compute 42".
 */
export function stateRefusal(entity: string, action: Action, state: string, allowedNow: readonly string[]): string {
  const now = allowedNow.length > 0 ? `allowed now: ${allowedNow.join(', ')}` : 'no action is allowed on it now';
  return `cannot ${action.term} ${entity} while it is ${state}; ${now}`;
}

/** Why an action cannot run while the entity is in transition (`doing`: what the cloud says it is doing). */
export function busyRefusal(entity: string, action: Action, doing: string): string {
  return `cannot ${action.term} ${entity} now: it is busy (${doing}); retry when it settles`;
}

/** The states of a kind's machine, for tables that walk every state. */
export function statesOf(kind: Kind): string[] {
  return Object.keys(MACHINES.get(kind)?.rules ?? {});
}

// OCCI/1.1 knows no error state (1.2 added it), and its storage states differ (spec §2.10).
const OCCI11_ERROR: Readonly<Record<string, string>> = {
  'occi.compute.state': 'inactive',
  'occi.network.state': 'inactive',
  'occi.storage.state': 'degraded',
  'occi.networkinterface.state': 'inactive',
  'occi.storagelink.state': 'inactive',
};

/** The value an OCCI/1.1 client is shown for a state attribute (D31, D32). */
export function occi11Value(name: string, value: unknown): unknown {
  return value === 'error' && Object.hasOwn(OCCI11_ERROR, name) ? OCCI11_ERROR[name] : value;
}
