// What every stand-in view gets and gives back.
import { notAllowed } from './faults.js';
import type { User, World } from './world.js';

export interface Req {
  world: World;
  user: User;
  method: string;
  /** The path below the service's versioned prefix, e.g. /servers/42/action. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** Base URL of the stand-in, for links. */
  base: string;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const empty = (status: number): Reply => ({ status });

/** The demux views: one handler per method, 405 with Allow otherwise (api_method_not_allowed()). */
export function methods(req: Req, handlers: Record<string, () => Reply>): Reply {
  const h = handlers[req.method];
  if (!h) throw notAllowed(Object.keys(handlers));
  return h();
}

export type Route = (req: Req) => Reply | undefined;

/** Matches `re` against the path and returns the captures, or undefined. */
export function match(req: Req, re: RegExp): string[] | undefined {
  const m = re.exec(req.path);
  return m ? m.slice(1) : undefined;
}
