// Contextualization (spec §2.9): the 1.2 ssh_key and user_data mixins, and
// the OpenStack-named variants ooi's clients send, which mean the same and
// are mapped onto them so every backend sees one form, encoded once.
import type { AttributeValue, Mixin } from './category.js';
import { OPENSTACK_PUBLIC_KEY, OPENSTACK_USER_DATA, SSH_KEY, USER_DATA } from './infrastructure.js';

const VARIANTS: ReadonlyArray<{ from: Mixin; to: Mixin; attribute: [string, string] }> = [
  { from: OPENSTACK_PUBLIC_KEY, to: SSH_KEY, attribute: ['org.openstack.credentials.publickey.data', 'occi.credentials.ssh.publickey'] },
  { from: OPENSTACK_USER_DATA, to: USER_DATA, attribute: ['org.openstack.compute.user_data', 'occi.compute.userdata'] },
];
const DROPPED = new Set(['org.openstack.credentials.publickey.name']);

/** Replaces the OpenStack-named mixins and attributes with the OCCI 1.2 ones; the 1.2 value wins if both are given. */
export function normalizeContextualization(
  mixins: readonly Mixin[],
  attributes: Record<string, AttributeValue>,
): { mixins: Mixin[]; attributes: Record<string, AttributeValue> } {
  const outMixins: Mixin[] = [];
  const outAttributes: Record<string, AttributeValue> = { ...attributes };
  for (const m of mixins) {
    const variant = VARIANTS.find((v) => v.from === m);
    const target = variant ? variant.to : m;
    if (!outMixins.includes(target)) outMixins.push(target);
  }
  for (const { attribute: [from, to], to: mixin } of VARIANTS) {
    if (outAttributes[from] === undefined) continue;
    if (outAttributes[to] === undefined) outAttributes[to] = outAttributes[from];
    delete outAttributes[from];
    if (!outMixins.includes(mixin)) outMixins.push(mixin);
  }
  for (const name of DROPPED) delete outAttributes[name];
  return { mixins: outMixins, attributes: outAttributes };
}
