// The real JsonHttp (clients/http.ts) on a stand-in for undici's dispatcher
// that records each request and answers from a script: no sockets, no timing.
import { JsonHttp, type HttpOptions } from '../../src/backends/openstack/clients/http.js';
import type { Dispatcher } from '../../src/backends/openstack/clients/tls.js';

export type Sent = Parameters<Dispatcher['request']>[0];
export type Reply = { status: number; body?: string; headers?: Record<string, string | string[]> } | Error;

/** A JsonHttp whose dispatcher answers `replies` in turn (the last one again once they run out); `options` over a 5 s timeout and a Keystone challenge. */
export function scriptedHttp(options: Partial<HttpOptions>, ...replies: Reply[]): { http: JsonHttp; sent: Sent[] } {
  const sent: Sent[] = [];
  const dispatcher: Dispatcher = {
    request: async (req) => {
      const r = replies[Math.min(sent.length, replies.length - 1)]!;
      sent.push(req);
      if (r instanceof Error) throw r;
      return { statusCode: r.status, headers: r.headers ?? {}, body: { text: async () => r.body ?? '' } };
    },
  };
  return { http: new JsonHttp({ timeoutMs: 5_000, challenge: 'Keystone uri="http://k"', dispatcher: async () => dispatcher, ...options }), sent };
}
