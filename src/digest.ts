// A short digest of a secret, for keys of in-memory maps (a token's
// rate-limit bucket, its memo of a tenant, its validated Keystone session):
// the secret itself is never kept. And two secrets compared in a time that
// does not tell where they differ. One call where the hash is done in one
// step (Node 20.12 and later), which costs a third of making a Hash object,
// updating and digesting it; those are used on older releases.
import crypto from 'node:crypto';

const oneShot: ((algorithm: string, data: string, encoding: 'base64url') => string) | undefined = (crypto as { hash?: typeof crypto.hash }).hash;

/** SHA-256 of `text`, 22 base64url characters (132 bits). */
export function quickDigest(text: string): string {
  const full = oneShot ? oneShot('sha256', text, 'base64url') : crypto.createHash('sha256').update(text).digest('base64url');
  return full.slice(0, 22);
}

/** Equal strings, compared over their whole length: no early exit at the first difference. */
export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
