// Name grammars of the text renderings. We accept the 1.2 forms, a superset of
// 1.1's lower-case-only ones (R124).

import { isTerm } from '../../model/category.js';

export { isTerm };

/** 1.2 attribute-name: the same grammar as a term. */
export function isAttributeName(text: string): boolean {
  return isTerm(text);
}

/** Shortens client text quoted back in an error message. */
export function excerpt(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
