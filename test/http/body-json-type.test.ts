// R11: a body is read by its Content-Type. Sent as JSON (application/json or
// application/occi+json), it is read as JSON whatever it starts with: a JSON
// string, number, boolean or null gets the JSON reader's 400 naming what it
// found and what it expects, never the text reader's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePayload } from '../../src/http/body.js';
import { OcciError } from '../../src/errors.js';

test('R11: a JSON body that is not an object or array is refused by the JSON reader, naming what it found', () => {
  for (const type of ['application/json', 'application/occi+json']) {
    for (const [body, what] of [['"compute"', 'a string'], ['42', 'a number'], ['true', 'a boolean'], ['null', 'null']] as const) {
      assert.throws(
        () => parsePayload(type, body, {}),
        (e: unknown) => e instanceof OcciError && e.status === 400 && e.message.startsWith(`unrecognised JSON body (${what}): expected a resource {"kind": …}`),
        `${type} ${body}`,
      );
    }
  }
});
