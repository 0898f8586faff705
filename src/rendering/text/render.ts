// The three text renderers (spec §4.1): text/plain puts the structures in the
// body, text/occi in headers (body `OK`), text/uri-list only lists URLs.
import { badRequest, notAcceptable } from '../../errors.js';
import type { Renderer, Rendered } from '../document.js';
import { categoryLines, entityLines, locationLines, type Line, type LineName } from './compose.js';
import { uriText } from './scan.js';

export { renderAttributeValue } from './attribute-value.js';
export { renderActionLink, renderCategory, renderLink, type Line } from './compose.js';
export { quote } from './scan.js';

const PLAIN = 'text/plain; charset=utf-8';
/** Header budget for text/occi: beyond it, proxies and clients truncate or refuse (§4.1). */
export const MAX_OCCI_HEADER_BYTES = 64 * 1024;

/** Error body shared by the three types: the message, then the request id. */
function errorBody(message: string, requestId: string): string {
  return `${message}\nrequest-id: ${requestId}\n`;
}

/** text/plain, or its 1.2 synonym text/occi+plain (R9) under the name the client asked for. */
function bodyRenderer(mediaType: 'text/plain' | 'text/occi+plain'): Renderer {
  const type = `${mediaType}; charset=utf-8`;
  const body = (lines: Line[]): Rendered => ({ headers: { 'Content-Type': type }, body: lines.map((l) => `${l.name}: ${l.value}\n`).join('') });
  return {
    mediaType,
    listing: 'locations',
    categories: (list) => body(categoryLines(list)),
    entity: (view) => body(entityLines(view)),
    collection: (views) => ({ headers: { 'Content-Type': type }, body: locationBody(views.map((v) => v.location)) }),
    locations: (urls) => ({ headers: { 'Content-Type': type }, body: locationBody(urls) }),
    ok: () => body([]),
    error: (_status, message, requestId) => ({ headers: { 'Content-Type': type }, body: errorBody(message, requestId) }),
  };
}

/** X-OCCI-Location lines, written straight: listings of many thousands are common. */
function locationBody(urls: readonly string[]): string {
  let out = '';
  for (const url of urls) out += `X-OCCI-Location: ${uriText(url)}\n`;
  return out;
}

export const textPlainRenderer = bodyRenderer('text/plain');
export const textOcciPlainRenderer = bodyRenderer('text/occi+plain');

const HEADER_ORDER: LineName[] = ['Category', 'Link', 'X-OCCI-Attribute', 'X-OCCI-Location'];

/**
 * text/occi: one header per structure name, its values comma-separated (R7,
 * R128). Header values must be printable ASCII and the whole set must fit the
 * header budget, else 406 pointing to text/plain (D37).
 */
function occiHeaders(lines: Line[]): Rendered {
  const headers: Record<string, string> = { 'Content-Type': 'text/occi' };
  let bytes = 0;
  for (const name of HEADER_ORDER) {
    const values = lines.filter((l) => l.name === name).map((l) => l.value);
    if (values.length === 0) continue;
    const joined = values.join(', ');
    if (!isPrintableAscii(joined)) {
      throw notAcceptable(`the ${name} data holds non-ASCII characters, which HTTP headers cannot carry; ask for text/plain`);
    }
    bytes += name.length + joined.length + 4;
    if (bytes > MAX_OCCI_HEADER_BYTES) {
      throw notAcceptable('the rendering is too large for text/occi headers (64 KiB); ask for text/plain');
    }
    headers[name] = joined;
  }
  return { headers, body: 'OK' };
}

function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/** An error message fit for a header: printable ASCII, one line, bounded length. */
function headerSafe(message: string): string {
  let out = '';
  for (let i = 0; i < message.length && out.length < 1024; i++) {
    const code = message.charCodeAt(i);
    if (code === 0x09 || code === 0x0a || code === 0x0d) out += ' ';
    else out += code < 0x20 || code > 0x7e ? '?' : message[i];
  }
  return out;
}

export const textOcciRenderer: Renderer = {
  mediaType: 'text/occi',
  listing: 'locations',
  categories: (list) => occiHeaders(categoryLines(list)),
  entity: (view) => occiHeaders(entityLines(view)),
  collection: (views) => occiHeaders(locationLines(views.map((v) => v.location))),
  locations: (urls) => occiHeaders(locationLines(urls)),
  ok: () => occiHeaders([]),
  error: (_status, message, requestId) => ({
    headers: { 'Content-Type': 'text/occi', 'X-OCCI-Error': headerSafe(message) },
    body: errorBody(message, requestId),
  }),
};

const URI_LIST = 'text/uri-list';

/** RFC 2483 lines end in CRLF. */
function uriList(urls: string[]): Rendered {
  return { headers: { 'Content-Type': URI_LIST }, body: locationLines(urls).map((l) => `${l.value}\r\n`).join('') };
}

function notAListing(what: string): never {
  throw badRequest(`text/uri-list can only render listings, not ${what}; ask for text/plain`);
}

export const uriListRenderer: Renderer = {
  mediaType: URI_LIST,
  listing: 'locations',
  categories: () => notAListing('the query interface'),
  entity: () => notAListing('a single entity'),
  collection: (views) => uriList(views.map((v) => v.location)),
  locations: (urls) => uriList(urls),
  ok: () => uriList([]),
  // An error message is not a URI list: say it in plain text.
  error: (_status, message, requestId) => ({ headers: { 'Content-Type': PLAIN }, body: errorBody(message, requestId) }),
};

/** text/uri-list for listings, and `other` (the client's next choice) for what uri-list cannot say. */
export function listingsOnly(other: Renderer): Renderer {
  // Its own name: the discovery cache keys renderings by it.
  return { ...uriListRenderer, mediaType: `${URI_LIST}, else ${other.mediaType}`, categories: other.categories, entity: other.entity, error: other.error };
}
