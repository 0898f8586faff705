// One HTTP exchange with an OCCI server over fetch (Node and browsers alike):
// credentials (token, HTTP basic, the Keystone handshake), a timeout, a bound
// on the answer's size, the debug hook, and errors turned into typed ones.
import { base64 } from './contextualize.js';
import { ConnectionError, httpError, ProtocolError } from './errors.js';
import { cacheKey, isFresh, issueToken, keystoneChallenge, MemoryTokenCache, type KeystoneCredentials, type TokenCache } from './keystone.js';
import type { Exchange } from './types.js';

export interface AuthOptions {
  /** Sent as X-Auth-Token. */
  token?: string;
  /** HTTP basic credentials. */
  basic?: { username: string; password: string };
  /** Used on a Keystone challenge (401 with WWW-Authenticate: Keystone uri='…'). */
  keystone?: KeystoneCredentials;
}

export interface TransportOptions {
  auth?: AuthOptions;
  fetch?: typeof fetch;
  /** Per request, in ms (default 60 s). */
  timeoutMs?: number;
  /** Largest answer read, in bytes (default 64 MiB). */
  maxResponseBytes?: number;
  tokenCache?: TokenCache;
  userAgent?: string;
  /** Called after every exchange (the command line's --debug and --raw). */
  onExchange?: (e: Exchange) => void;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
  url: string;
}

export interface RequestSpec {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Statuses that are not errors although >= 400 (e.g. 404 while waiting for a deletion). */
  accept?: number[];
  signal?: AbortSignal;
}

async function readBounded(res: Response, max: number, url: string): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new ProtocolError(`the answer from ${url} is larger than ${max} bytes; ask for a smaller page`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** The message an error answer carries: JSON {error: {message}}, an X-OCCI-Error header, or the text body. */
export function errorMessage(headers: Headers, body: string): string {
  const type = headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const j = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
      const m = typeof j.error === 'object' ? j.error?.message : (j.error ?? j.message);
      if (typeof m === 'string') return m;
    } catch {
      // fall through to the text
    }
  }
  const header = headers.get('x-occi-error');
  const text = header ?? body.trim().replace(/\s+/g, ' ');
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

export class Transport {
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly cache: TokenCache;
  /** The Keystone URL learnt from a challenge (or given), so later runs can use a cached token at once. */
  private keystoneUrl?: string;
  private token?: string;

  constructor(private readonly o: TransportOptions = {}) {
    this.fetchImpl = o.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.maxBytes = o.maxResponseBytes ?? 64 * 1024 * 1024;
    this.cache = o.tokenCache ?? new MemoryTokenCache();
    this.token = o.auth?.token;
    this.keystoneUrl = o.auth?.keystone?.authUrl;
  }

  async request(spec: RequestSpec): Promise<Answer> {
    const keystone = this.o.auth?.keystone;
    if (this.token === undefined && keystone && this.keystoneUrl) {
      const cached = await this.cache.get(cacheKey(this.keystoneUrl, keystone));
      if (isFresh(cached)) this.token = cached.token;
    }
    let answer = await this.send(spec);
    const challenge = keystoneChallenge(answer.headers.get('www-authenticate'));
    if (answer.status === 401 && keystone && (challenge ?? this.keystoneUrl)) {
      const url = challenge ?? (this.keystoneUrl as string);
      const key = cacheKey(url, keystone);
      if (this.token !== undefined) await this.cache.delete(key);
      const issued = await issueToken(this.fetchImpl, url, keystone, { timeoutMs: this.timeoutMs, onExchange: this.o.onExchange });
      await this.cache.set(key, issued);
      this.keystoneUrl = url;
      this.token = issued.token;
      answer = await this.send(spec);
    }
    if (answer.status >= 400 && !(spec.accept ?? []).includes(answer.status)) {
      const hint =
        answer.status !== 401 ? undefined
        : challenge && !keystone ? `the server wants a Keystone token from ${challenge}: give Keystone credentials`
        : !this.token && !this.o.auth?.basic ? 'no credentials were sent'
        : undefined;
      throw httpError(
        { status: answer.status, message: errorMessage(answer.headers, answer.body), requestId: answer.headers.get('x-request-id') ?? undefined, method: spec.method, url: spec.url },
        hint,
      );
    }
    return answer;
  }

  private authHeaders(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.token !== undefined) out['X-Auth-Token'] = this.token;
    const basic = this.o.auth?.basic;
    if (basic) out.Authorization = `Basic ${base64(`${basic.username}:${basic.password}`)}`;
    return out;
  }

  private async send(spec: RequestSpec): Promise<Answer> {
    const headers: Record<string, string> = {
      'User-Agent': this.o.userAgent ?? 'snf-occi-client OCCI/1.2',
      ...this.authHeaders(),
      ...(spec.headers ?? {}),
    };
    const started = Date.now();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    let res: Response;
    let body: string;
    try {
      res = await this.fetchImpl(spec.url, { method: spec.method, headers, body: spec.body, signal, redirect: 'follow' });
      body = await readBounded(res, this.maxBytes, spec.url);
    } catch (e) {
      if (e instanceof ProtocolError) throw e;
      if (spec.signal?.aborted) throw e;
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
      throw new ConnectionError(`cannot reach ${spec.url}: ${why}`);
    }
    this.o.onExchange?.({
      method: spec.method,
      url: spec.url,
      requestHeaders: headers,
      requestBody: spec.body,
      status: res.status,
      responseHeaders: Object.fromEntries(res.headers),
      responseBody: body,
      ms: Date.now() - started,
    });
    return { status: res.status, headers: res.headers, body, url: res.url || spec.url };
  }
}
