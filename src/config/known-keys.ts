// Which keys a configuration file may hold: those of the defaults, plus the
// settings that have no default. Anything else is a mistake (a typo, a key at
// the wrong level) and is reported with the closest known name, rather than
// silently ignored.
import { closest } from '../model/closest.js';
import type { Tree } from './merge.js';

/** Settings without a default value, so absent from defaults(). */
export const OPTIONAL_SETTINGS = [
  'publicUrl',
  'metricsToken',
  'tls.certFile',
  'tls.keyFile',
  'openstack.keystoneUrl',
  'openstack.region',
  'openstack.caFile',
  'openstack.volumeType',
  'openstack.cloud',
  'compute.hostnamePattern',
  'compute.defaultArchitecture',
  'store.url',
] as const;

/** Keys whose value is a list or free-form: their contents are checked by the validation, not here. */
const LEAF_OBJECTS = new Set(['local.tokens', 'cors.origins', 'local.failingImages']);

/** Every dotted setting path, from the defaults and the optional settings. */
export function knownSettings(defaults: Tree): string[] {
  const out: string[] = [];
  const walk = (node: Tree, prefix: string): void => {
    for (const [k, v] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && !LEAF_OBJECTS.has(path)) walk(v as Tree, path);
      else out.push(path);
    }
  };
  walk(defaults, '');
  for (const p of OPTIONAL_SETTINGS) if (!out.includes(p)) out.push(p);
  return out.sort();
}

/** The dotted paths of a file's leaves (values that are not objects, or lists). */
export function leafPaths(tree: Tree, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && !LEAF_OBJECTS.has(path)) out.push(...leafPaths(v as Tree, path));
    else out.push(path);
  }
  return out;
}

/**
 * One message per key of `tree` that is no setting, e.g.
 * `prot: no such setting; did you mean port?`. Keys starting with `_` are
 * comments and allowed anywhere.
 */
export function unknownKeys(tree: Tree, known: readonly string[], where: string): string[] {
  const knownSet = new Set(known);
  const groups = new Set(known.flatMap((p) => p.split('.').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('.'))));
  const problems: string[] = [];
  const walk = (node: Tree, prefix: string): void => {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('_')) continue;
      const path = prefix ? `${prefix}.${k}` : k;
      if (knownSet.has(path)) continue;
      if (groups.has(path)) {
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) walk(v as Tree, path);
        else {
          delete node[k]; // reported here, not again by the validation of each setting in it
          problems.push(`${path} in ${where}: must be a group of settings (${known.filter((p) => p.startsWith(`${path}.`)).slice(0, 4).join(', ')} …), got ${JSON.stringify(v)}`);
        }
        continue;
      }
      problems.push(`${path} in ${where}: no such setting${suggestion(path, known, groups)}; every setting is listed in docs/configuration.md`);
    }
  };
  walk(tree, '');
  return problems;
}

/** "; did you mean limits.maxBodyBytes?": a sibling of the same group first, else any setting whose last part is close. */
function suggestion(path: string, known: readonly string[], groups: ReadonlySet<string>): string {
  const cut = path.lastIndexOf('.');
  const prefix = cut < 0 ? '' : path.slice(0, cut + 1);
  const name = path.slice(cut + 1);
  const siblings = [...known, ...groups].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('.'));
  let found = closest(name, siblings.map((p) => p.slice(prefix.length))).map((n) => prefix + n);
  if (found.length === 0) {
    const byLast = new Map(known.map((p) => [p, p.slice(p.lastIndexOf('.') + 1)] as const));
    const near = new Set(closest(name, [...byLast.values()]));
    found = known.filter((p) => near.has(byLast.get(p)!) || byLast.get(p) === name).filter((p) => p !== path);
  }
  if (found.length === 0) return '';
  return ` (did you mean ${found.slice(0, 3).join(' or ')}?)`;
}
