// OCCI over fetch for the replica test and benchmark: writes in text/plain,
// reads in JSON or as a list of locations, with a token, through a load
// balancer or straight to one replica. Every exchange is bounded in time.
import { checkAnswer, pathOf } from '../helpers/server.js';

export { pathOf };

export interface Sent {
  status: number;
  text: string;
  location?: string;
  retryAfter?: string;
}

export class Occi {
  constructor(
    readonly base: string,
    private readonly token: string,
  ) {}

  /** One exchange; a body goes as text/plain. Answers are checked as every test checks them (JSON schema, no spec codes). */
  async send(method: string, path: string, body?: string, accept = 'text/plain'): Promise<Sent> {
    const headers: Record<string, string> = { 'X-Auth-Token': this.token, Accept: accept };
    if (body !== undefined) headers['Content-Type'] = 'text/plain';
    const res = await fetch(`${this.base}${path}`, { method, headers, body, signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    checkAnswer(method, path, res.status, res.headers.get('content-type') ?? '', text);
    return { status: res.status, text, location: res.headers.get('location') ?? undefined, retryAfter: res.headers.get('retry-after') ?? undefined };
  }

  /** A JSON rendering; anything but 200 fails with the answer. */
  async json(method: string, path: string): Promise<Record<string, any>> {
    const r = await this.send(method, path, undefined, 'application/occi+json');
    if (r.status !== 200) throw new Error(`${method} ${this.base}${path}: ${r.status} ${r.text.slice(0, 300)}`);
    return JSON.parse(r.text) as Record<string, any>;
  }

  /** The locations a collection lists (text/uri-list). */
  async locations(path: string): Promise<string[]> {
    const r = await this.send('GET', path, undefined, 'text/uri-list');
    if (r.status !== 200) throw new Error(`GET ${this.base}${path}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  }
}
