// A small OCCI 1.1 text-only server in ooi's manner (see fixtures/ooi/README.md),
// mounted under /occi1.1/, behind the Keystone handshake: a request without a
// valid token gets 401 + `WWW-Authenticate: Keystone uri='…'`, and the fake
// Keystone beside it issues tokens for demo/secret.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const DIR = new URL('../../../test/client/fixtures/ooi/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, DIR), 'utf8');
const PREFIX = '/occi1.1';

interface Compute {
  title: string;
  state: 'inactive' | 'active';
  /** GETs left before a new compute shows active (it builds). */
  building: number;
  links: Map<string, string>;
}

export interface OoiFake {
  origin: string;
  endpoint: string;
  tokensIssued: number;
  unauthorized: number;
  /** The bodies of the POSTs received, by path. */
  posts: Array<{ path: string; body: string; contentType: string }>;
  close(): Promise<void>;
}

export async function startOoiFake(): Promise<OoiFake> {
  const computes = new Map<string, Compute>();
  const storages = new Map<string, string>();
  const tokens = new Set<string>();
  const state = { tokensIssued: 0, unauthorized: 0, posts: [] as OoiFake['posts'] };
  let base = '';
  const fill = (text: string, v: Record<string, string>): string => text.replace(/\{(\w+)\}/g, (all, k: string) => v[k] ?? all);

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const send = (status: number, text = '', headers: Record<string, string> = {}): void => {
        res.writeHead(status, { Server: 'ooi-fake OCCI/1.1', ...(text ? { 'Content-Type': 'text/plain' } : {}), ...headers });
        res.end(text);
      };
      if (url.pathname === '/identity/v3/auth/tokens' && req.method === 'POST') {
        const ok = body.includes('"name":"demo"') && body.includes('"password":"secret"');
        if (!ok) return send(401, '{"error":{"message":"The request you have made requires authentication."}}');
        const token = `tok-${++state.tokensIssued}`;
        tokens.add(token);
        res.writeHead(201, { 'X-Subject-Token': token, 'Content-Type': 'application/json' });
        return void res.end(JSON.stringify({ token: { expires_at: new Date(Date.now() + 3_600_000).toISOString() } }));
      }
      if (!tokens.has(String(req.headers['x-auth-token'] ?? ''))) {
        state.unauthorized++;
        return send(401, 'Authentication required', { 'WWW-Authenticate': `Keystone uri='${new URL(base).origin}/identity/v3'` });
      }
      if (!url.pathname.startsWith(`${PREFIX}/`)) return send(404, 'Not found');
      const path = url.pathname.slice(PREFIX.length);
      const [, collection = '', id = ''] = path.split('/');
      if (req.method === 'POST') state.posts.push({ path: url.pathname + url.search, body, contentType: String(req.headers['content-type']) });

      if (path === '/-/') return send(200, fill(fixture('query-interface.txt'), { base }));
      if (req.method === 'GET' && id === '') {
        const ids = collection === 'compute' ? [...computes.keys()] : collection === 'storage' ? [...storages.keys()] : [];
        return ids.length === 0 ? send(204) : send(200, ids.map((i) => `X-OCCI-Location: ${base}/${collection}/${i}\n`).join(''));
      }
      if (req.method === 'POST' && id === '' && (collection === 'compute' || collection === 'storage')) {
        const title = /occi\.core\.title="([^"]*)"/.exec(body)?.[1] ?? '';
        const newId = randomUUID();
        if (collection === 'compute') computes.set(newId, { title, state: 'inactive', building: 1, links: new Map() });
        else storages.set(newId, title);
        return send(200, `X-OCCI-Location: ${base}/${collection}/${newId}\n`);
      }
      if (req.method === 'POST' && collection === 'storagelink' && id === '') {
        const source = /occi\.core\.source="?([^",]*)/.exec(body)?.[1] ?? '';
        const target = /occi\.core\.target="?([^",]*)/.exec(body)?.[1] ?? '';
        const vm = computes.get(source.split('/').pop() ?? '');
        const storage = target.split('/').pop() ?? '';
        if (!vm || !storages.has(storage)) return send(404, 'Not found');
        const linkId = `${source.split('/').pop()}_${storage}`;
        vm.links.set(linkId, storage);
        return send(200, `${base}/storagelink/${linkId}`);
      }
      if (collection === 'compute') {
        const vm = computes.get(id);
        if (!vm) return send(404, 'Not found');
        if (req.method === 'DELETE') return void (computes.delete(id), send(204));
        if (req.method === 'POST') {
          vm.state = url.searchParams.get('action') === 'start' ? 'active' : 'inactive';
          return send(204);
        }
        if (vm.building > 0) vm.building--;
        else if (vm.state === 'inactive' && vm.links.size === 0 && !vm.title.startsWith('stopped')) vm.state = 'active';
        const actions = (vm.state === 'active' ? ['stop', 'restart', 'suspend'] : ['start'])
          .map((a) => `Link: <${base}/compute/${id}?action=${a}>; rel="http://schemas.ogf.org/occi/infrastructure/compute/action#${a}"`)
          .join('\n');
        const links = [...vm.links].map(([link, storage]) => fill(fixture('storagelink-in-compute.txt'), { base, id, link, storage }).trim()).join('\n');
        return send(200, fill(fixture('compute.txt'), { base, id, title: vm.title, state: vm.state, actions, links }));
      }
      if (collection === 'storage') {
        if (!storages.has(id)) return send(404, 'Not found');
        if (req.method === 'DELETE') return void (storages.delete(id), send(204));
        return send(200, fill(fixture('storage.txt'), { base, id, title: storages.get(id) ?? '' }));
      }
      if (collection === 'storagelink') {
        const [vmId = '', storage = ''] = id.split('_');
        const vm = computes.get(vmId);
        if (!vm?.links.has(id)) return send(404, 'Not found');
        if (req.method === 'DELETE') return void (vm.links.delete(id), send(204));
        return send(200, fill(fixture('storagelink.txt'), { base, id: vmId, link: id, storage }));
      }
      return send(404, 'Not found');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `${origin}${PREFIX}`;
  return {
    origin,
    endpoint: `${base}/`,
    get tokensIssued() {
      return state.tokensIssued;
    },
    get unauthorized() {
      return state.unauthorized;
    },
    posts: state.posts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
