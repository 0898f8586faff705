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

/** `/compute/?action=stop&X-Auth-Token=abc` → `/compute/?action=stop&X-Auth-Token=***`. */
export function redactTarget(target: string, secrets: readonly (string | undefined)[] = []): string {
  const q = target.indexOf('?');
  let path = q >= 0 ? target.slice(0, q) : target;
  // A secret percent-encoded in the path is found, and masked, in the path decoded.
  if (path.includes('%')) {
    const decoded = decodedPath(path);
    if (secrets.some((s) => s !== undefined && s.length >= 8 && decoded.includes(s))) path = decoded;
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
  for (const s of secrets) if (s && s.length >= 8 && out.includes(s)) out = out.split(s).join(MASK);
  return out.length > MAX_TARGET ? `${out.slice(0, MAX_TARGET)}…` : out;
}

function isSecret(value: string, secrets: readonly (string | undefined)[]): boolean {
  if (value === '') return false;
  if (TOKEN_LIKE.test(value) && !UUID.test(value)) return true;
  return secrets.some((s) => s !== undefined && s !== '' && value === s);
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The path and query of an absolute URL, redacted (for calls to the cloud). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return redactTarget(u.pathname + u.search);
  } catch {
    return '(not a URL)';
  }
}
