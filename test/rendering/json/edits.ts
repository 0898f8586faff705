// Random single-character edits of a JSON text, for robustness properties.
import fc from 'fast-check';

export type Edit = readonly [at: number, op: 'delete' | 'insert' | 'replace', ch: string];

/** Characters that matter to the JSON grammar, plus a raw control character. */
export const edit: fc.Arbitrary<Edit> = fc.tuple(
  fc.nat(),
  fc.constantFrom('delete' as const, 'insert' as const, 'replace' as const),
  fc.constantFrom(...'{}[],:"\\ 0-1.eE+tfnux\u0001'),
);

export function applyEdit(text: string, [at, op, ch]: Edit): string {
  const i = at % (text.length + 1);
  if (op === 'delete') return text.slice(0, i) + text.slice(i + 1);
  if (op === 'insert') return text.slice(0, i) + ch + text.slice(i);
  return text.slice(0, i) + ch + text.slice(i + 1);
}
