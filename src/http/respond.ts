// Operation results → status, headers and body in the negotiated rendering.
import type { OcciResult } from '../operations/result.js';
import type { Rendered, Renderer } from '../rendering/document.js';

/** Header names and values, alternating, as writeHead takes them (reply.ts). */
export type HeaderList = Array<string | number | string[]>;

export interface Response {
  status: number;
  rendered: Rendered;
  /** HTTP Location of a created entity (R39). */
  location?: string;
  /** The body already encoded (UTF-8), for an answer made once and sent many times (discovery-cache.ts). */
  bytes?: Buffer;
  /** Its headers as written, Content-Length included, for an answer sent many times (reply.ts). */
  headerList?: HeaderList;
}

function isJson(renderer: Renderer): boolean {
  return renderer.mediaType.startsWith('application/');
}

/** Every result but a collection of whole entities, which is written as it comes (stream.ts). */
export type WholeResult = Exclude<OcciResult, { type: 'entities' }>;

export function respond(renderer: Renderer, result: WholeResult): Response {
  switch (result.type) {
    case 'entity':
      return { status: 200, rendered: renderer.entity(result.view) };
    case 'created': {
      const urls = result.views.map((v) => v.location);
      // D1: text renderings list the new locations; JSON gives the full entity.
      const rendered = !isJson(renderer)
        ? renderer.locations(urls)
        : result.views.length === 1
          ? renderer.entity(result.views[0])
          : renderer.collection(result.views, 'mixed');
      return { status: 201, rendered, location: urls[0] };
    }
    case 'collection':
      // Text renderings of a collection are its locations (R92, R127).
      return { status: 200, rendered: renderer.locations(result.locations) };
    case 'categories':
      return { status: 200, rendered: renderer.categories(result.list) };
    case 'ok':
      return { status: 200, rendered: renderer.ok() };
  }
}
