// Parsing one Link value (spec §4.2):
// `<target>; rel="…"; self="…"; category="kind mixin…"; name=value…`.
// rel/self/category may come in any order, quoted or not; every other
// parameter after the target is a link attribute.
import { badRequest } from '../../errors.js';
import { splitTypeId } from '../../model/category.js';
import type { CategoryRef, LinkInput } from '../document.js';
import { parseAttributeValue } from './attribute-value.js';
import { excerpt, isAttributeName } from './grammar.js';
import { splitOutside, splitPair, unquoteValue, words } from './scan.js';

export function parseLinkValue(item: string): LinkInput {
  const [head = '', ...params] = splitOutside(item, ';');
  const target = linkTarget(head.trim(), item);
  const link: LinkInput = { categories: [], target, attributes: {} };
  for (const param of params) {
    if (param.trim() === '') continue;
    const pair = splitPair(param);
    if (!pair) throw badRequest(`Link <${excerpt(target)}>: expected name=value, got ${excerpt(param.trim())}`);
    const key = pair.name.toLowerCase();
    if (key === 'rel' || key === 'self' || key === 'category') {
      const v = unquoteValue(pair.value);
      if ('error' in v) throw badRequest(`Link <${excerpt(target)}>: parameter ${key}: ${v.error}`);
      if (key === 'rel') link.targetKind = words(v.value)[0];
      else if (key === 'self') link.self = v.value;
      else link.categories = words(v.value).map((id): CategoryRef => splitTypeId(id));
      continue;
    }
    if (!isAttributeName(pair.name)) {
      throw badRequest(`Link <${excerpt(target)}>: invalid attribute name ${excerpt(pair.name)}`);
    }
    if (Object.hasOwn(link.attributes, pair.name)) {
      throw badRequest(`Link <${excerpt(target)}>: attribute ${pair.name} given twice`);
    }
    link.attributes[pair.name] = parseAttributeValue(pair.value, pair.name);
  }
  return link;
}

function linkTarget(head: string, item: string): string {
  if (head[0] !== '<' || head[head.length - 1] !== '>') {
    throw badRequest(`Link ${excerpt(item.trim())}: must start with <target-url>`);
  }
  const target = head.slice(1, -1).trim();
  if (target === '') throw badRequest(`Link ${excerpt(item.trim())}: empty target URL`);
  return target;
}
