// What a new compute is given to start with: an SSH public key and user data
// (cloud-init), through the mixins the server offers for them — OCCI's own
// (ssh_key, user_data) or the OpenStack ones ooi uses (public_key, user_data).
import { LookupError } from './errors.js';
import type { Discovery } from './discovery.js';
import type { AttributeValue } from './types.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure';

const SSH_KEY: Array<[mixin: string, attribute: string]> = [
  [`${INFRA}/credentials#ssh_key`, 'occi.credentials.ssh.publickey'],
  ['http://schemas.openstack.org/instance/credentials#public_key', 'org.openstack.credentials.publickey.data'],
];
const USER_DATA: Array<[mixin: string, attribute: string]> = [
  [`${INFRA}/compute#user_data`, 'occi.compute.userdata'],
  ['http://schemas.openstack.org/compute/instance#user_data', 'org.openstack.compute.user_data'],
];

/** Base64 of UTF-8 text, without Buffer (browsers have none). */
export function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function offered(d: Discovery, choices: Array<[string, string]>, what: string): [string, string] {
  const found = choices.find(([id]) => d.category(id));
  if (!found) throw new LookupError(`the server offers no mixin for ${what} (looked for ${choices.map(([id]) => id).join(', ')})`);
  return found;
}

/** Mixins and attributes that give a new compute an SSH key and user data (plain text; sent as Base64). */
export function contextualize(d: Discovery, o: { sshKey?: string; userData?: string }): { mixins: string[]; attributes: Record<string, AttributeValue> } {
  const mixins: string[] = [];
  const attributes: Record<string, AttributeValue> = {};
  if (o.sshKey !== undefined) {
    const [mixin, attribute] = offered(d, SSH_KEY, 'an SSH key');
    mixins.push(mixin);
    attributes[attribute] = o.sshKey.trim();
  }
  if (o.userData !== undefined) {
    const [mixin, attribute] = offered(d, USER_DATA, 'user data');
    mixins.push(mixin);
    attributes[attribute] = base64(o.userData);
  }
  return { mixins, attributes };
}
