// The exact bounds of the text renderings, each at its edge (mutation testing
// found them unstated): the text/occi header budget counts every header as
// `Name: value` plus its CRLF (§4.1, D37); printable ASCII runs from space to
// `~`; the X-OCCI-Error header is cut at 1,024 characters; a bare URL
// percent-encodes space, DEL, `"`, `<` and `>` and nothing else (R129).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OcciError } from '../../../src/errors.js';
import { MAX_OCCI_HEADER_BYTES, textOcciRenderer, textPlainRenderer, uriListRenderer } from '../../../src/rendering/text/render.js';
import { BASE, computeView } from './views.js';

const is406 = (e: unknown): boolean => e instanceof OcciError && e.status === 406 && e.message.includes('64 KiB');

describe('text/occi header budget (§4.1)', () => {
  // One X-OCCI-Location header: "X-OCCI-Location" + ": " + value + CRLF.
  const overhead = 'X-OCCI-Location'.length + 4;
  const urlOf = (length: number): string => `${BASE}/` + 'x'.repeat(length - BASE.length - 1);

  test('a rendering of exactly 64 KiB of headers is sent', () => {
    const url = urlOf(MAX_OCCI_HEADER_BYTES - overhead);
    assert.equal(textOcciRenderer.locations([url]).headers['X-OCCI-Location'], url);
  });

  test('one byte more is refused with 406 pointing to text/plain', () => {
    assert.throws(() => textOcciRenderer.locations([urlOf(MAX_OCCI_HEADER_BYTES - overhead + 1)]), is406);
  });

  test('the budget is over all headers together: two headers that each fit but not together are refused', () => {
    const title = computeView({ attributes: [['occi.core.title', 'x'.repeat(40_000)]] });
    const location = computeView({ location: urlOf(20_000) }); // in each of its action links
    for (const alone of [title, location]) assert.equal(textOcciRenderer.entity(alone).body, 'OK');
    assert.throws(() => textOcciRenderer.entity({ ...location, attributes: title.attributes }), is406);
  });

  test('the budget is 64 KiB', () => assert.equal(MAX_OCCI_HEADER_BYTES, 65536));
});

describe('printable ASCII in text/occi headers (D37)', () => {
  test('space and ~, the ends of printable ASCII, are sent in headers', () => {
    const r = textOcciRenderer.entity(computeView({ attributes: [['occi.core.title', ' a~b ']] }));
    assert.ok(String(r.headers['X-OCCI-Attribute']).includes('occi.core.title=" a~b "'));
  });
});

describe('X-OCCI-Error (text/occi errors)', () => {
  test('cut at 1,024 characters; the body keeps the whole message', () => {
    const message = 'e'.repeat(2000);
    const r = textOcciRenderer.error(400, message, 'r');
    assert.equal(r.headers['X-OCCI-Error'], 'e'.repeat(1024));
    assert.equal(r.body, `${message}\nrequest-id: r\n`);
  });

  test('printable ASCII from space to ~ is kept; DEL and other controls become ?, tab and line ends a space', () => {
    assert.equal(textOcciRenderer.error(400, ' ~\u007f\u001f\ta\rb\nc', 'r').headers['X-OCCI-Error'], ' ~?? a b c');
  });
});

describe('bare URLs (R129)', () => {
  test('space, DEL, ", < and > are percent-encoded; ~, %, # and other URL characters are kept', () => {
    const url = `${BASE}/compute/a b\u007f"<>~%#!?`;
    assert.equal(uriListRenderer.locations([url]).body, `${BASE}/compute/a%20b%7F%22%3C%3E~%#!?\r\n`);
    assert.equal(textPlainRenderer.locations([`${BASE}/\u0001`]).body, `X-OCCI-Location: ${BASE}/%01\n`);
  });
});
