// A stand-in for GRNET Synnefo (Astakos identity and Cyclades compute,
// network and volume APIs), written for these tests from Synnefo's own code
// (grnet/synnefo; each module names the views and logic it follows) since
// Synnefo itself cannot be installed here. One process-local HTTP server per
// release; the state lives in memory; every request is recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Reply, Req, Route } from './api.js';
import { authenticate, identityRoot } from './astakos.js';
import { endpointNotFound, Fault, unauthorized } from './faults.js';
import { networksRoute } from './networks.js';
import { portsRoute } from './ports.js';
import type { Release } from './releases.js';
import { serverActionsRoute } from './server-actions.js';
import { serversRoute } from './servers.js';
import { templatesRoute } from './templates.js';
import { volumesRoute } from './volumes.js';
import { World, type WorldOptions } from './world.js';

export { RELEASES, type Release } from './releases.js';

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

export interface Standin {
  url: string;
  /** The Astakos identity URL as operators write it, with /v2.0. */
  identityUrl: string;
  world: World;
  /** Every request, in order (bodies parsed). */
  requests: Recorded[];
  /** Requests whose path ends with `suffix` (query stripped). */
  sent(method: string, suffix: string): Recorded[];
  /** Runs `act` once, just before the next `method` request on a path ending with `suffix` is answered: another client acting in between. */
  beforeNext(method: string, suffix: string, act: () => void): void;
  close(): Promise<void>;
}

/** The Cyclades APIs under their versioned prefix; anything else there is api_endpoint_not_found(). */
const SERVICES: Array<[string, Route[]]> = [
  ['/cyclades/compute/v2.0', [serversRoute, serverActionsRoute, templatesRoute]],
  ['/cyclades/network/v2.0', [networksRoute, portsRoute]],
  ['/cyclades/volume/v2.0', [volumesRoute]],
];

export async function startStandin(o: WorldOptions & { release: Release }): Promise<Standin> {
  const world = new World(o);
  const requests: Recorded[] = [];
  const pending: Array<{ method: string; suffix: string; act: () => void }> = [];
  let base = '';

  const dispatch = (method: string, url: URL, body: unknown, token: string | undefined): Reply => {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/identity' && method === 'GET') {
      const doc = identityRoot(world, base);
      if (!doc) return { status: 404, body: { itemNotFound: { code: 404, message: 'Not Found', details: '' } } };
      return { status: 200, body: doc };
    }
    if (path === '/identity/v2.0/tokens' && method === 'POST') return { status: 200, body: authenticate(world, base, body) };
    for (const [prefix, routes] of SERVICES) {
      const service = prefix.replace(/\/v[\d.]+$/, '');
      if (path !== service && !path.startsWith(`${service}/`)) continue;
      // The service's own catch-all (e.g. volume/urls.py `^.*` L153, after `^v2.0/` L152): a path without the version is not found.
      if (!path.startsWith(`${prefix}/`)) throw endpointNotFound();
      const user = world.userByToken(token);
      if (!user) throw unauthorized('Invalid token');
      const req: Req = { world, user, method, path: path.slice(prefix.length), query: url.searchParams, body, base };
      for (const route of routes) {
        const reply = route(req);
        if (reply) return reply;
      }
      throw endpointNotFound();
    }
    throw endpointNotFound();
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', base);
      const record: Recorded = { method: req.method ?? 'GET', path: url.pathname + url.search, body: undefined, status: 0 };
      requests.push(record);
      const due = pending.findIndex((p) => p.method === record.method && url.pathname.replace(/\/+$/, '').endsWith(p.suffix));
      if (due >= 0) pending.splice(due, 1)[0]!.act();
      let reply: Reply;
      let headers: Record<string, string> = {};
      try {
        record.body = text === '' ? undefined : JSON.parse(text);
        reply = dispatch(record.method, url, record.body, header(req.headers['x-auth-token']));
      } catch (err) {
        const fault = err instanceof Fault ? err : err instanceof SyntaxError ? new Fault(400, 'badRequest', 'Invalid JSON data.') : new Fault(500, 'computeFault', String(err));
        reply = { status: fault.code, body: fault.body() };
        headers = fault.headers;
      }
      record.status = reply.status;
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, { ...(payload ? { 'Content-Type': 'application/json' } : {}), ...headers });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    identityUrl: `${base}/identity/v2.0`,
    world,
    requests,
    sent: (method, suffix) => requests.filter((r) => r.method === method && r.path.split('?')[0]!.endsWith(suffix)),
    beforeNext: (method, suffix, act) => void pending.push({ method, suffix, act }),
    close: () =>
      new Promise<void>((resolve) => {
        world.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
