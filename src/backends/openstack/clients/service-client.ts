// Shared plumbing of the thin service wrappers: one base URL, the session's
// token, fixed extra headers (microversions) and collection paging.
import { OcciError } from '../../../errors.js';
import { joinUrl, type HttpResponse, type JsonHttp, type Method } from './http.js';

/** One page of a listing in id order, as the services page: at most `limit` items after the `marker` id. */
export interface PageAsk {
  limit: number;
  marker?: string;
  /**
   * Of the items after the marker in id order, the ones the answer shows
   * (`skip` then `take`); the others only say whether more follow, so a
   * listing need not read more about them.
   */
  shown?: { skip: number; take: number };
}

/** Follows at most this many "next" links, a guard against looping clouds. */
const MAX_PAGES = 50;

export class ServiceClient {
  constructor(
    protected readonly http: JsonHttp,
    readonly service: string,
    readonly base: string,
    protected readonly token: string,
    protected readonly headers: Record<string, string> = {},
  ) {}

  /** `extra` headers go with this call only (a microversion one call needs). */
  protected send<T>(method: Method, path: string, body?: unknown, accept?: readonly number[], extra?: Record<string, string>): Promise<HttpResponse<T>> {
    const url = /^https?:\/\//.test(path) ? path : joinUrl(this.base, path);
    const headers = extra ? { ...this.headers, ...extra } : this.headers;
    return this.http.request<T>(this.service, { method, url, token: this.token, headers, body, accept });
  }

  /** A JSON document that must be there. */
  protected async json<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const res = await this.send<T>(method, path, body);
    if (res.body === undefined) throw new OcciError(502, `${this.service} sent an empty answer to ${method} ${pathOnly(path)}`);
    return res.body;
  }

  /** The member `key` of a JSON document that must be there. */
  protected async member<T>(method: Method, path: string, key: string, body?: unknown): Promise<T> {
    const doc = await this.json<Record<string, unknown>>(method, path, body);
    const v = doc[key];
    if (v === undefined || v === null) throw new OcciError(502, `${this.service} answered ${method} ${pathOnly(path)} without '${key}'`);
    return v as T;
  }

  /** GET of one item; undefined when the cloud says it does not exist. */
  protected async find<T>(path: string, key: string, missing: readonly number[] = [404]): Promise<T | undefined> {
    const res = await this.send<Record<string, unknown>>('GET', path, undefined, missing);
    if (missing.includes(res.status)) return undefined;
    const v = res.body?.[key];
    if (v === undefined || v === null) throw new OcciError(502, `${this.service} answered GET ${pathOnly(path)} without '${key}'`);
    return v as T;
  }

  protected async call(method: Method, path: string, body?: unknown): Promise<void> {
    await this.send(method, path, body);
  }

  /**
   * Every item of a paged collection (or the first `want`): Nova/Cinder
   * `<key>_links` with rel "next", Glance `next`; Neutron answers unpaged
   * unless asked, and then with `<key>_links` too.
   */
  protected async collect<T>(path: string, key: string, want = Infinity): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined && page < MAX_PAGES && items.length < want; page++) {
      const doc: Record<string, unknown> = await this.json<Record<string, unknown>>('GET', next);
      const batch = doc[key];
      if (!Array.isArray(batch)) throw new OcciError(502, `${this.service} answered GET ${pathOnly(path)} without a '${key}' list`);
      items.push(...(batch as T[]));
      next = nextLink(doc, key, this.base);
    }
    return items;
  }
}

function nextLink(doc: Record<string, unknown>, key: string, base: string): string | undefined {
  const links = doc[`${key}_links`];
  if (Array.isArray(links)) {
    const n = links.find((l): l is { rel: string; href: string } => typeof l === 'object' && l !== null && l.rel === 'next');
    if (n && typeof n.href === 'string') return n.href;
  }
  // Glance: a path from the service's root ("/v2/images?marker=…"), which sits under the endpoint's own
  // path where the deployment has one (devstack: http://host/image), not at the host's root.
  if (typeof doc.next === 'string') return /^https?:\/\//.test(doc.next) ? doc.next : joinUrl(serviceRoot(base), doc.next);
  return undefined;
}

/** The endpoint a versioned base was made from: http://host/image/v2 → http://host/image. */
function serviceRoot(base: string): string {
  return base.replace(/\/v\d+(\.\d+)?\/*$/, '');
}

function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}
