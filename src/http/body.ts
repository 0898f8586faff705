// Request bodies: read with a size limit (413), parsed by Content-Type (R11,
// 415 for what we do not speak, D10).
import type { IncomingMessage } from 'node:http';
import { badRequest, OcciError, tooLarge, unsupportedMediaType } from '../errors.js';
import { NO_PAYLOAD, type Payload } from '../rendering/document.js';
import { parseJsonBody } from '../rendering/json/parse.js';
import { requestMediaType } from '../rendering/negotiate.js';
import { parseTextBody, parseTextHeaders, parseUriList } from '../rendering/text/parse.js';

/** Bodies are UTF-8 (R119, R133); invalid bytes are refused rather than replaced. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const GONE = 'the client closed the connection before sending the whole body';

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(`request body larger than ${limit} bytes`));
  // A request aborted while authentication was awaited emits nothing more: without these, its handler would wait forever.
  if (req.destroyed) return Promise.reject(new OcciError(400, GONE));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      // Past the limit once, every later chunk (a drained body) is let go at once: no new 413 made for each.
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(`request body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      try {
        resolve(UTF8.decode(Buffer.concat(chunks)));
      } catch {
        reject(new OcciError(400, 'the request body is not UTF-8 text'));
      }
    });
    req.on('error', (err) => {
      if (!failed) reject(new OcciError(400, `could not read the request body: ${err.message}`));
    });
    // After 'end' this settles nothing (the promise is resolved); before it, the body will never come.
    req.on('close', () => reject(new OcciError(400, GONE)));
  });
}

type Headers = IncomingMessage['headers'];

/** What a request carries, in whichever rendering it came. */
export function parsePayload(contentType: string | undefined, body: string, headers: Headers): Payload {
  const type = requestMediaType(contentType);
  const blank = body.trim() === '';
  switch (type) {
    case 'text/occi':
      // Its rendering travels in headers; a body would be ignored, so say so rather than act without it.
      if (!blank && body.trim() !== 'OK') {
        throw badRequest(
          'the request body was ignored: with Content-Type text/occi the rendering travels in HTTP headers (Category, Link, X-OCCI-Attribute, X-OCCI-Location); send the body with Content-Type text/plain instead',
        );
      }
      return parseTextHeaders(headers);
    case 'text/plain':
    case 'text/occi+plain':
      return parseTextBody(body, headers);
    case 'text/uri-list':
      return blank ? parseTextHeaders(headers) : parseUriList(body);
    case 'application/occi+json':
    case 'application/json':
      return blank ? parseTextHeaders(headers) : parseJsonBody(body);
    case undefined: {
      // A blank body has no OCCI lines: parseTextBody falls back to the headers.
      const first = body.trimStart()[0];
      return first === '{' || first === '[' ? parseJsonBody(body) : parseTextBody(body, headers);
    }
    default:
      throw unsupportedMediaType(`Content-Type ${type} is not supported; send text/plain, text/occi, text/uri-list or application/occi+json`); // D10
  }
}

export function filterPayload(headers: Headers): Payload {
  const hasFilter = headers['category'] || headers['x-occi-category'] || headers['x-occi-attribute'] || headers['x-occi-location'];
  return hasFilter ? parseTextHeaders(headers) : NO_PAYLOAD;
}
