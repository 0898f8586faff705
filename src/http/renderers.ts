// The renderer of each media type the server speaks (spec §3.2, §4, §5).
import type { Renderer } from '../rendering/document.js';
import { jsonRenderer, plainJsonRenderer } from '../rendering/json/render.js';
import type { MediaType } from '../rendering/negotiate.js';
import { listingsOnly, textOcciPlainRenderer, textOcciRenderer, textPlainRenderer, uriListRenderer } from '../rendering/text/render.js';

const RENDERERS: Record<MediaType, Renderer> = {
  'text/plain': textPlainRenderer,
  'text/occi+plain': textOcciPlainRenderer,
  'text/occi': textOcciRenderer,
  'text/uri-list': uriListRenderer,
  'application/occi+json': jsonRenderer,
  'application/json': plainJsonRenderer,
};

/** The client's best type; uri-list renders listings only, so a client that accepts more gets its `next` type for everything else (D9). */
export function rendererFor(media: MediaType, next: MediaType | undefined): Renderer {
  return media === 'text/uri-list' && next ? listingsOnly(RENDERERS[next]) : RENDERERS[media];
}
