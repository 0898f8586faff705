// A JsonHttp stand-in for the OpenStack clients' tests: it records every
// request (with the service it was made for) and answers from a function.
import type { JsonHttp } from '../../src/backends/openstack/clients/http.js';
import { OcciError } from '../../src/errors.js';

export type Call = { service: string; method: string; url: string; body?: unknown; headers?: Record<string, string> };
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A JsonHttp stand-in: records every request and answers from `answer`. */
export function recordingHttp(answer: (c: Call) => Answer): { http: JsonHttp; calls: Call[] } {
  const calls: Call[] = [];
  const http = {
    async request(service: string, req: Call) {
      const c = { ...req, service };
      calls.push(c);
      const a = answer(c);
      return { status: a.status, headers: new Headers(a.headers ?? {}), body: a.body };
    },
  } as unknown as JsonHttp;
  return { http, calls };
}

/** The OcciError a promise is rejected with; fails when it is fulfilled or rejected with anything else. */
export async function refusal(p: Promise<unknown>): Promise<OcciError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OcciError) return e;
    throw e;
  }
  throw new Error('no refusal');
}
