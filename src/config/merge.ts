// How settings from several sources become one tree: dotted paths set into
// it, trees merged (later sources win, objects merged key by key), and the
// strings of the environment and flags converted to the type of the default.

export type Tree = Record<string, unknown>;

export function setPath(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
    node = node[p] as Tree;
  }
  node[parts[parts.length - 1]] = value;
}

export function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof b === 'object' && b !== null ? merge(b as Tree, v as Tree) : v;
  }
  return out;
}

/** Values from env and flags arrive as strings: convert them to the type the default has. */
export function coerce(path: string, raw: string, problems: string[], template: object): unknown {
  const sample = path.split('.').reduce<unknown>((n, p) => (n as Tree | undefined)?.[p], template);
  if (typeof sample === 'number') {
    const n = Number(raw);
    if (raw.trim() !== '' && Number.isFinite(n)) return n;
    problems.push(`${path}: "${raw}" is not a number`);
    return sample; // reported once, not again by the range checks
  }
  if (Array.isArray(sample)) return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (typeof sample === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${path}: "${raw}" is not a boolean (true/false)`);
    return sample;
  }
  return raw;
}
