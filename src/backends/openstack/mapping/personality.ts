// Personality files: how a public key and user data reach a Synnefo VM whose
// release has no os-keypairs (before 0.19) or no user_data (before 0.20). The
// original snf-occi did the same (grnet/snf-occi 15981e59 soi/compute.py
// _get_personality() L138-157: the key in ~/.ssh/authorized_keys of each user
// the image's `users` property names, L148-156); user data goes to
// cloud-init's NoCloud seed (snf_create_server() from L161, user data
// L166-170), whose meta-data file must exist beside it (L143-146). Cyclades
// takes at most five files (util.verify_personality(), MAX_PERSONALITY), each
// Base64 (snf-image writes them as given).
import { createHash } from 'node:crypto';

export interface PersonalityFile {
  path: string;
  /** Base64. */
  contents: string;
  owner?: string;
  group?: string;
  mode?: number;
}

export interface PersonalityInput {
  /** An OpenSSH public key line. */
  publicKey?: string;
  /** Base64 user data, as OCCI carries it (D19). */
  userData?: string;
  /** The image's `users` property, e.g. "root user" (snf-image-creator). */
  imageUsers?: string;
  /** The server's name, part of cloud-init's instance id. */
  name: string;
}

const MAX_FILES = 5;
const SEED = '/var/lib/cloud/seed/nocloud-net';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function personalityFiles(o: PersonalityInput): PersonalityFile[] {
  const files: PersonalityFile[] = [];
  if (o.userData !== undefined) {
    const id = createHash('sha256').update(`${o.name}\n${o.userData}\n${o.publicKey ?? ''}`).digest('hex').slice(0, 16);
    const keys = o.publicKey === undefined ? '' : `public-keys:\n  - ${o.publicKey}\n`;
    files.push({ path: `${SEED}/meta-data`, contents: b64(`instance-id: snf-occi-${id}\n${keys}`) });
    files.push({ path: `${SEED}/user-data`, contents: o.userData });
  }
  if (o.publicKey !== undefined) {
    const named = (o.imageUsers ?? '').split(/\s+/).filter((u) => /^[a-z_][a-z0-9_-]*$/.test(u));
    const users = [...new Set(named.length > 0 ? named : ['root'])].slice(0, MAX_FILES - files.length);
    for (const user of users) {
      const home = user === 'root' ? '/root' : `/home/${user}`;
      files.push({ path: `${home}/.ssh/authorized_keys`, contents: b64(`${o.publicKey}\n`), owner: user, group: user, mode: 0o600 });
    }
  }
  return files;
}
