// Operation results → status, headers and body in the negotiated rendering.
import type { OcciResult } from '../operations/result.js';
import type { Rendered, Renderer } from '../rendering/document.js';

export interface Response {
  status: number;
  rendered: Rendered;
  /** HTTP Location of a created entity (R39). */
  location?: string;
}

export function respond(renderer: Renderer, result: OcciResult): Response {
  switch (result.type) {
    case 'entity':
      return { status: 200, rendered: renderer.entity(result.view) };
    case 'created': {
      const urls = result.views.map((v) => v.location);
      // D1: text renderings list the new locations; JSON gives the full entity.
      const json = renderer.mediaType.includes('json');
      const rendered = !json
        ? renderer.locations(urls)
        : result.views.length === 1
          ? renderer.entity(result.views[0])
          : renderer.collection(result.views, 'mixed');
      return { status: 201, rendered, location: urls[0] };
    }
    case 'collection':
      return { status: 200, rendered: renderer.collection(result.views, result.which) };
    case 'categories':
      return { status: 200, rendered: renderer.categories(result.list) };
    case 'ok':
      return { status: 200, rendered: renderer.ok() };
  }
}
