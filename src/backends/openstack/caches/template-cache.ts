// The templates a project sees (images and flavors), loaded in parallel and
// cached briefly per project and compute endpoint; once expired, they are
// answered while one load in the background renews them.
import { OcciError } from '../../../errors.js';
import { BoundedCache, CACHE_MAX_BYTES, STALE_FOR_MS } from './cache.js';
import type { Cloud } from '../cloud.js';
import { imageFromCompute, imageFromGlance, TemplateIndex, type ImageInfo } from '../mapping/templates.js';

export class TemplateCache {
  private readonly cache: BoundedCache<TemplateIndex>;

  constructor(private readonly ttlMs: number, maxProjects = 500) {
    this.cache = new BoundedCache(maxProjects, Date.now, CACHE_MAX_BYTES, 'templates');
  }

  index(cloud: Cloud): Promise<TemplateIndex> {
    return this.cache.getOrRefresh(cloud.scopeKey, () => load(cloud), this.ttlMs, STALE_FOR_MS);
  }

  /** Forgets a project's templates (after save created an image). */
  invalidate(cloud: Cloud): void {
    this.cache.delete(cloud.scopeKey);
  }

  clear(): void {
    this.cache.clear();
  }
}

async function load(cloud: Cloud): Promise<TemplateIndex> {
  const [images, flavors] = await Promise.all([listImages(cloud), cloud.nova.listFlavors()]);
  return new TemplateIndex(images, flavors);
}

async function listImages(cloud: Cloud): Promise<ImageInfo[]> {
  if (cloud.dialect.images === 'compute') {
    return (await cloud.nova.listImages()).flatMap((i) => imageFromCompute(i) ?? []);
  }
  if (!cloud.glance) throw new OcciError(503, "the cloud's catalog has no image endpoint");
  return (await cloud.glance.listImages()).flatMap((i) => imageFromGlance(i) ?? []);
}
