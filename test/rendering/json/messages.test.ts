// What a refused JSON body is told, word for word: each message names the
// member path and says what was expected and what came instead, so a client
// can fix its body without reading the spec. Mutation testing found these
// wordings (and the JSON reader's rarer positions) stated nowhere.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJson } from '../../../src/rendering/json/json-text.js';
import { parseJsonBody } from '../../../src/rendering/json/parse.js';
import { badRequestMessage } from '../../helpers/bad-request.js';

const COMPUTE = 'http://schemas.ogf.org/occi/infrastructure#compute';
const STORAGELINK = 'http://schemas.ogf.org/occi/infrastructure#storagelink';

const bodyMessage = (body: unknown): string =>
  badRequestMessage(() => parseJsonBody(typeof body === 'string' ? body : JSON.stringify(body)));

describe('JSON bodies: a wrong member type names the path, the expected shape and what came', () => {
  const cases: Array<[unknown, string]> = [
    [{ resources: [null] }, 'resources[0] must be a resource object, not null'],
    [{ resources: 'x' }, 'resources must be an array of resource objects, not a string'],
    [{ links: 3 }, 'links must be an array of link objects, not a number'],
    [{ links: [5] }, 'links[0] must be a link object, not a number'],
    [{ locations: 'x' }, 'locations must be an array of URL strings, not a string'],
    [{ locations: [1] }, 'locations[0] must be a string, not a number'],
    [[1], 'body[0] must be a URL string or an entity object, not a number'],
    [['/a', 2], 'body[1] must be a URL string, like the first item, not a number'],
    [[{ kind: COMPUTE }, 5], 'body[1] must be a resource object, not a number'],
    [{ kinds: 'x' }, 'kinds must be an array of kind objects, not a string'],
    [{ action: 5 }, 'action must be a string (an Action type identifier), not a number'],
    [{ action: '' }, 'action must be a non-empty type identifier (scheme#term)'],
    [{ kind: COMPUTE, attributes: [] }, 'attributes must be an object mapping attribute names to values, not an array'],
    [{ kind: COMPUTE, mixins: [5] }, 'mixins[0] must be a string (a Mixin type identifier), not a number'],
    // A definition's attribute list is names or a description object; one bare name is not accepted.
    [{ mixins: [{ term: 'a', scheme: 'http://x#', attributes: 'x' }] }, 'mixins[0].attributes must be an array of strings, not a string'],
    [{ mixins: [{ term: 'a', scheme: 'http://x#', actions: 'x' }] }, 'mixins[0].actions must be an array of strings, not a string'],
  ];
  for (const [body, message] of cases) {
    it(`${JSON.stringify(body)} → "${message}"`, () => assert.equal(bodyMessage(body), message));
  }
});

describe('JSON bodies: an unrecognised body lists every shape the server accepts', () => {
  const SHAPES =
    'expected a resource {"kind": …}, a link {"kind": …, "source": …, "target": …}, ' +
    'a collection {"resources": […], "links": […]}, an action invocation {"action": …, "attributes": {…}}, ' +
    'category definitions {"mixins": [{"term": …, "scheme": …, "location": …}]}, ' +
    'or an array of entity URLs';
  for (const [body, got] of [['5', 'a number'], ['null', 'null'], ['{}', 'an empty object']]) {
    it(`${body} → the whole list`, () => assert.equal(bodyMessage(body), `unrecognised JSON body (${got}): ${SHAPES}`));
  }
});

describe('JSON bodies: members a client left out stay out of the parsed entity', () => {
  it('a link without a target has no target, and one without a location has no location', () => {
    const p = parseJsonBody(JSON.stringify({ kind: STORAGELINK, source: '/compute/1' }));
    const entity = p.entities[0];
    assert.ok(entity?.link);
    assert.deepEqual(Object.keys(entity.link).sort(), ['attributes', 'categories', 'source']);
    assert.equal(Object.hasOwn(entity, 'location'), false);
  });
});

describe('readJson: the rarer syntax errors', () => {
  const cases: Array<[string, string]> = [
    ['', 'invalid JSON at line 1, column 1 (offset 0): unexpected end of input'],
    ['   ', 'invalid JSON at line 1, column 4 (offset 3): unexpected end of input'],
    ['[1,]', 'invalid JSON at line 1, column 4 (offset 3): unexpected "]", expected a value'],
    ['"ab\\', 'invalid JSON at line 1, column 4 (offset 3): invalid escape \\'],
  ];
  for (const [text, message] of cases) {
    it(`${JSON.stringify(text)} → "${message}"`, () => assert.equal(badRequestMessage(() => readJson(text)), message));
  }

  it('reads strings whose escapes sit next to the quotes', () => {
    assert.deepEqual(readJson('["\\n", "\\"x\\"", "a\\\\", "\\t\\u0041"]'), ['\n', '"x"', 'a\\', '\tA']);
  });
});
