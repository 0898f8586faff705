// Attribute values for the property tests of the JSON rendering: strings,
// numbers, booleans, and arrays and objects of them, from the strings and
// numbers (and member names) each test wants.
import fc from 'fast-check';
import type { AttributeValue } from '../../../src/model/category.js';

export function attributeValue(text: fc.Arbitrary<string>, number: fc.Arbitrary<number>, memberName = text): fc.Arbitrary<AttributeValue> {
  return fc.letrec<{ v: AttributeValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      text,
      number,
      fc.boolean(),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(memberName, tie('v'), { maxKeys: 3, noNullPrototype: true }),
    ),
  })).v;
}
