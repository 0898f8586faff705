// The one JSON HTTP client every OpenStack call goes through: undici's plain
// request on a kept-alive Agent (tls.ts), a per-call timeout covering the
// body too, no redirects followed, one retry of idempotent GETs, and cloud
// failures turned into OcciErrors (see cloud-errors.ts). Tokens never appear
// in messages.
import { OcciError } from '../../../errors.js';
import { outcomeOf, reportCloudCall } from '../../../cloud-calls.js';
import { errorForStatus, errorForTransport, isConnectFailure, isTimeout } from './cloud-errors.js';
import { globalDispatcher, type Dispatcher } from './tls.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: Method;
  url: string;
  /** Sent as X-Auth-Token. */
  token?: string;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  body?: unknown;
  /** Non-2xx statuses that are answers rather than failures (e.g. 404 on a lookup). */
  accept?: readonly number[];
  /** Values sent in the body that must never appear in an error message (a token being rescoped). */
  secrets?: readonly string[];
}

/** A response header by name (any case), its values joined; null when absent. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse<T> {
  status: number;
  headers: ResponseHeaders;
  /** Parsed JSON; undefined for empty bodies. */
  body: T | undefined;
}

export interface HttpOptions {
  timeoutMs: number;
  /** WWW-Authenticate value for 401s from the cloud. */
  challenge: string;
  /** The undici Agent carrying the connections and TLS settings (see tls.ts); Node's global one without. */
  dispatcher?: () => Promise<Dispatcher>;
  /** Pause before the GET retry. */
  retryDelayMs?: number;
}

export class JsonHttp {
  constructor(private readonly o: HttpOptions) {}

  get timeoutMs(): number {
    return this.o.timeoutMs;
  }

  /** `service` names the cloud service in error messages ("nova", "keystone" …). */
  async request<T>(service: string, req: HttpRequest): Promise<HttpResponse<T>> {
    const retries = req.method === 'GET' ? 1 : 0;
    for (let attempt = 0; ; attempt++) {
      let status: number;
      let headers: Record<string, string | string[] | undefined>;
      let text: string;
      const started = performance.now();
      const call = { service, method: req.method, url: req.url };
      try {
        const res = await (await this.dispatcher()).request(this.init(req));
        ({ statusCode: status, headers } = res);
        text = await res.body.text();
        reportCloudCall({ ...call, status, outcome: outcomeOf(status), ms: performance.now() - started });
      } catch (err) {
        reportCloudCall({ ...call, outcome: isTimeout(err) ? 'timeout' : 'unreachable', ms: performance.now() - started });
        // A refused connection never reached the cloud, so even a POST may be repeated.
        const retryable = !isTimeout(err) && (attempt < retries || (attempt === 0 && isConnectFailure(err)));
        if (retryable) {
          await this.pause();
          continue;
        }
        throw errorForTransport(service, err, this.o.timeoutMs);
      }
      if (status >= 500 && attempt < retries) {
        await this.pause();
        continue;
      }
      // A redirect is not followed (a cloud's API never sends one where it answers): like any other unexpected status, a failure.
      const ok = (status >= 200 && status < 300) || (req.accept?.includes(status) ?? false);
      if (!ok) {
        throw errorForStatus({
          service,
          status,
          body: text,
          secrets: [...(req.token ? [req.token] : []), ...(req.secrets ?? [])],
          challenge: this.o.challenge,
        });
      }
      return { status, headers: headerReader(headers), body: parseBody<T>(service, status, text) };
    }
  }

  private dispatcher(): Promise<Dispatcher> {
    return this.o.dispatcher ? this.o.dispatcher() : globalDispatcher();
  }

  private init(req: HttpRequest): Parameters<Dispatcher['request']>[0] {
    const url = new URL(req.url);
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    if (req.token !== undefined) headers['X-Auth-Token'] = req.token;
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    // The timeout covers the body as well as the headers: undici ends the body's reading when the signal fires.
    return { origin: url.origin, path: `${url.pathname}${url.search}`, method: req.method, headers, body, signal: AbortSignal.timeout(this.o.timeoutMs) };
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.o.retryDelayMs ?? 100));
  }
}

function headerReader(raw: Record<string, string | string[] | undefined>): ResponseHeaders {
  return {
    get(name: string): string | null {
      const v = raw[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

function parseBody<T>(service: string, status: number, text: string): T | undefined {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    if (status >= 200 && status < 300) throw new OcciError(502, `${service} sent a body that is not JSON (HTTP ${status})`);
    return undefined;
  }
}

/** Joins a base URL and a path without doubling or dropping slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** A query string from defined values; arrays repeat the key (Neutron filters). */
export function query(params: Record<string, string | number | boolean | readonly string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
