// Thin typed wrapper of the Image API v2 calls the backend needs.
import type { JsonHttp } from './http.js';
import { ServiceClient } from './service-client.js';

export interface GlanceImage {
  id: string;
  name: string | null;
  status: string;
  visibility?: string;
  created_at?: string;
  architecture?: string;
  image_type?: string;
  instance_uuid?: string;
  /** The project that owns the image. */
  owner?: string | null;
  /** A protected image cannot be deleted until it is unprotected. */
  protected?: boolean;
}

export class Glance extends ServiceClient {
  constructor(http: JsonHttp, base: string, token: string) {
    super(http, 'glance', base, token);
  }

  listImages(): Promise<GlanceImage[]> {
    return this.collect('images?limit=200', 'images');
  }

  deleteImage(id: string): Promise<void> {
    return this.call('DELETE', `images/${encodeURIComponent(id)}`);
  }

  async getImage(id: string): Promise<GlanceImage | undefined> {
    // Glance answers a single image unwrapped, so find() (which unwraps) does not fit.
    const res = await this.send<GlanceImage>('GET', `images/${encodeURIComponent(id)}`, undefined, [400, 404]);
    return res.status === 200 ? res.body : undefined;
  }
}
