// Every exchange the console makes, secrets masked, for the "Learn OCCI"
// panels: the requests that change the cloud are kept (the last few), and so
// is the last read of each URL.
import { maskExchange, type Exchange } from '../client/index.js';

const KEEP = 20;

export class ExchangeLog {
  private writes: Exchange[] = [];
  private readonly reads = new Map<string, Exchange>();
  private readonly listeners = new Set<() => void>();

  readonly add = (e: Exchange): void => {
    const masked = maskExchange(e);
    if (e.method === 'GET' || e.method === 'HEAD') {
      this.reads.delete(e.url);
      this.reads.set(e.url, masked);
      // Bounded: the oldest URL read goes first.
      if (this.reads.size > 200) this.reads.delete(this.reads.keys().next().value as string);
      return;
    }
    this.writes = [masked, ...this.writes].slice(0, KEEP);
    for (const l of this.listeners) l();
  };

  /** The requests that changed something, newest first. */
  recentWrites(): Exchange[] {
    return this.writes;
  }

  lastRead(url: string): Exchange | undefined {
    return this.reads.get(url);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The headers that say something about OCCI (HTTP's housekeeping left out). */
const SHOWN = new Set(['accept', 'content-type', 'x-auth-token', 'category', 'link', 'location', 'x-occi-attribute', 'x-occi-location', 'x-request-id', 'www-authenticate']);

const headerLines = (h: Record<string, string>): string[] => Object.entries(h).filter(([n]) => SHOWN.has(n.toLowerCase())).map(([n, v]) => `${n}: ${v}`);

/** An exchange as text: the request line, headers and body, then the answer's. */
export function exchangeText(e: Exchange): string {
  const lines = [`${e.method} ${e.url}`, ...headerLines(e.requestHeaders)];
  if (e.requestBody) lines.push('', pretty(e.requestBody));
  lines.push('', `→ ${e.status} (${e.ms} ms)`, ...headerLines(e.responseHeaders));
  if (e.responseBody) lines.push('', pretty(e.responseBody));
  return lines.join('\n');
}

/** JSON indented for reading; anything else as it came. */
export function pretty(body: string): string {
  const t = body.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return body;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return body;
  }
}
