// Operation results → status, headers and body in the negotiated rendering.
import type { OcciResult } from '../operations/result.js';
import type { Rendered, Renderer } from '../rendering/document.js';

export interface Response {
  status: number;
  rendered: Rendered;
  /** HTTP Location of a created entity (R39). */
  location?: string;
}

function isJson(renderer: Renderer): boolean {
  return renderer.mediaType.startsWith('application/');
}

export function respond(renderer: Renderer, result: OcciResult): Response {
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
    case 'collection': {
      // Text renderings of a collection are its locations (R92, R127); only JSON renders whole entities.
      const rendered = isJson(renderer)
        ? renderer.collection(result.members.map((m) => m.view()), result.which)
        : renderer.locations(result.members.map((m) => m.location));
      // A note for people (e.g. where a family's members are) travels beside the rendering, which has no place for it.
      if (result.note) rendered.headers['X-OCCI-Note'] = result.note;
      return { status: 200, rendered };
    }
    case 'categories':
      return { status: 200, rendered: renderer.categories(result.list) };
    case 'ok':
      return { status: 200, rendered: renderer.ok() };
  }
}
