// What may be written to a log of a URL: its path and query, with the value
// of every parameter whose name looks secret (token, key, password,
// signature …) masked, as well as any value that looks like a token (long,
// letters and digits mixed, not a UUID) and any value equal to a secret of
// the request. Long targets are cut, so a log line stays a line.

const SECRET_NAME = /token|secret|passw|pwd|key|auth|signature|sig$|credential|session|cookie/i;
/** A value that looks like a token whatever its name: long, of token characters, letters and digits mixed; not a UUID. */
const TOKEN_LIKE = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-+/=.~]{24,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MASK = '***';
const MAX_TARGET = 500;
/** The shortest secret masked wherever it appears: a shorter one could mask ordinary text. */
const MIN_SECRET = 8;

/** Whether `text` holds the secret, when it is long enough to be masked. */
export const holdsSecret = (text: string, secret: string | undefined): secret is string => secret !== undefined && secret.length >= MIN_SECRET && text.includes(secret);

/** `text` with the secret masked wherever it appears, when it is long enough to be one. */
export function withoutSecret(text: string, secret: string | undefined): string {
  return holdsSecret(text, secret) ? text.split(secret).join(MASK) : text;
}

/** `/compute/?action=stop&X-Auth-Token=abc` → `/compute/?action=stop&X-Auth-Token=***`. */
export function redactTarget(target: string, secrets: readonly (string | undefined)[] = []): string {
  const q = target.indexOf('?');
  let path = q >= 0 ? target.slice(0, q) : target;
  // A secret percent-encoded in the path is found, and masked, in the path decoded.
  if (path.includes('%')) {
    const plain = decoded(path);
    if (secrets.some((s) => holdsSecret(plain, s))) path = plain;
  }
  let out = path;
  if (q >= 0) {
    const parts = target
      .slice(q + 1)
      .split(/([&;])/)
      .map((part) => {
        if (part === '&' || part === ';' || part === '') return part;
        const eq = part.indexOf('=');
        const name = eq < 0 ? part : part.slice(0, eq);
        const value = eq < 0 ? '' : part.slice(eq + 1);
        if (eq >= 0 && (SECRET_NAME.test(safeDecode(name)) || isSecret(safeDecode(value), secrets))) return `${name}=${MASK}`;
        return isSecret(safeDecode(name), secrets) ? MASK : part;
      });
    out = `${path}?${parts.join('')}`;
  }
  for (const s of secrets) out = withoutSecret(out, s);
  return out.length > MAX_TARGET ? `${out.slice(0, MAX_TARGET)}…` : out;
}

function isSecret(value: string, secrets: readonly (string | undefined)[]): boolean {
  if (value === '') return false;
  if (TOKEN_LIKE.test(value) && !UUID.test(value)) return true;
  return secrets.some((s) => s !== undefined && s !== '' && value === s);
}

/** Percent-decoded; as it is when it cannot be. */
function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A query's name or value decoded ('+' is a space there). */
const safeDecode = (s: string): string => decoded(s.replace(/\+/g, ' '));

/** The path and query of an absolute URL, redacted (for calls to the cloud). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return redactTarget(u.pathname + u.search);
  } catch {
    return '(not a URL)';
  }
}
