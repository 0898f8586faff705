// What links of both kinds share: their state follows the compute they start from.
import { notFound } from '../../errors.js';
import type { EntityRef, LinkSpec } from '../../port/backend.js';

/** A link is active while its compute runs (spec §2.5: provider-driven, no actions). */
export function linkState(computeState: string, activeMessage: string): { state: string; message: string } {
  return computeState === 'active'
    ? { state: 'active', message: activeMessage }
    : { state: 'inactive', message: `compute is ${computeState}` };
}

/** The target of a link spec when it has the kind `expected`; 404 otherwise, as an unseen entity. */
export function targetOf(spec: LinkSpec, expected: EntityRef['kind']): string {
  if (spec.target.kind !== expected) {
    throw notFound(`${spec.kind} target must be a ${expected}; ${spec.target.kind} ${spec.target.id} given`);
  }
  return spec.target.id;
}
