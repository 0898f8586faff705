// A fake OpenStack that keeps state and behaves like the real services where
// the backend depends on it, for what openstack-lite cannot show on demand:
// - endpoints under path prefixes, as devstack deploys them (/compute/v2.1,
//   /image, /network, /volume/v3/<project>);
// - every listing the backend pages through comes in pages of `pageSize`,
//   with the next page named the way each service names it (Nova, Cinder and
//   Neutron: an absolute href in <key>_links; Glance: a path from its root);
// - request bodies checked as the services check them (a reboot type other
//   than SOFT or HARD, an extend that does not grow the volume: 400);
// - in-between states that last `steps` reads (REBOOT, extending);
// - password sign-in as Keystone v3 and v2.0 answer it (the console's).
import type { ServerResponse } from 'node:http';
import { json, type Recorded } from './fake-cloud.js';
import { fixture } from './fixtures.js';

type Doc = Record<string, unknown>;

export interface FloatingIp {
  id: string;
  floating_ip_address: string;
  floating_network_id: string;
  port_id: string | null;
  description: string;
  project_id: string;
}

export interface World {
  pageSize: number;
  /** Reads a transition lasts before it ends (REBOOT → ACTIVE, extending → available). */
  steps: number;
  flavors: Doc[];
  images: Doc[];
  server: Doc | undefined;
  serverPort: Doc;
  floatingIps: FloatingIp[];
  volume: Doc;
  /** Reads left before the server's or the volume's transition ends, and the server's status after it (ACTIVE unless said). */
  pending: { server: number; volume: number; volumeSize?: number; serverStatus?: string };
  /** Reads a deletion lasts (server or volume) before they are gone: 0 at once, Infinity never (nor a floating IP's detach). */
  deleteSteps: number;
  /** Nova's keypairs by name, and how Nova answers an import (409: a concurrent import made it first; 400: a key it cannot read). */
  keypairs: { names: string[]; importStatus?: number };
  /** The bodies of the server creates Nova took (the new server is the one server, afresh). */
  created: Doc[];
  /** The one user who can sign in with a password, and how Keystone answers a sign-in. */
  signIn: { username: string; password: string; domain: string; project: string; expires?: string; answersWithoutToken?: boolean };
}

const SERVER = fixture<{ server: Doc }>('server-active.json').server;
export const SERVER_ID = String(SERVER.id);
export const PORT_ID = 'port-1';

export function freshWorld(): World {
  const base = fixture<{ flavors: Doc[] }>('flavors.json').flavors;
  const image = fixture<{ images: Doc[] }>('images.json').images[0]!;
  return {
    pageSize: 2,
    steps: 2,
    flavors: base,
    images: [image, ...['i2', 'i3', 'i4'].map((id, i) => ({ ...image, id: `${id}-0000-4000-8000-000000000000`, name: `extra-${i + 2}` }))],
    server: { ...SERVER, 'OS-EXT-STS:task_state': null },
    serverPort: { id: PORT_ID, network_id: 'private', device_id: SERVER_ID, device_owner: 'compute:nova', fixed_ips: [{ ip_address: '10.0.0.5', subnet_id: 's1' }], mac_address: 'fa:16:3e:00:00:01', status: 'ACTIVE', created_at: '2026-01-01T00:00:00Z' },
    floatingIps: [],
    volume: { id: 'v1', status: 'available', size: 1, name: 'v', attachments: [], metadata: {} },
    pending: { server: 0, volume: 0 },
    deleteSteps: 0,
    keypairs: { names: [] },
    created: [],
    signIn: { username: 'demo', password: 'secret', domain: 'Default', project: 'p1', expires: '2030-01-01T00:00:00Z' },
  };
}

/** The items after `marker` (by id), one page of them, and the marker of the next page if more follow. */
function page<T extends { id?: unknown }>(items: T[], query: URLSearchParams, size: number): { items: T[]; next?: string } {
  const marker = query.get('marker');
  const start = marker === null ? 0 : items.findIndex((i) => String(i.id) === marker) + 1;
  const limit = Math.min(size, Number(query.get('limit') ?? size));
  const slice = items.slice(start, start + limit);
  return start + limit < items.length ? { items: slice, next: String(slice.at(-1)!.id) } : { items: slice };
}

/** The vm_states Nova runs each action from, its task while it runs, and the status it ends in. */
const NOVA_STATE_ACTIONS: Record<string, { from: string[]; task: string; to: string } | undefined> = {
  'os-stop': { from: ['ACTIVE', 'ERROR'], task: 'powering-off', to: 'SHUTOFF' },
  'os-start': { from: ['SHUTOFF'], task: 'powering-on', to: 'ACTIVE' },
  suspend: { from: ['ACTIVE'], task: 'suspending', to: 'SUSPENDED' },
  resume: { from: ['SUSPENDED'], task: 'resuming', to: 'ACTIVE' },
  unpause: { from: ['PAUSED'], task: 'unpausing', to: 'ACTIVE' },
  confirmResize: { from: ['VERIFY_RESIZE'], task: 'resize_confirming', to: 'ACTIVE' },
};

const badRequest = (res: ServerResponse, message: string): void => json(res, 400, { badRequest: { code: 400, message } });

export function fakeOpenStack(url: () => string, world: () => World) {
  return (req: Recorded, res: ServerResponse): void => {
    const [path, search = ''] = req.path.split('?') as [string, string?];
    const query = new URLSearchParams(search);
    const w = world();
    const catalog = [
      { type: 'compute', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/compute/v2.1` }] },
      { type: 'image', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/image` }] },
      { type: 'network', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/network` }] },
      { type: 'block-storage', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/volume/v3/p1` }] },
    ];
    /** Nova, Cinder and Neutron: a page under `key`, the next one as an absolute href in `<key>_links`. */
    const linked = (key: string, items: Doc[]): void => {
      const p = page(items, query, w.pageSize);
      const links = p.next ? [{ rel: 'next', href: `${url()}${path}?${new URLSearchParams({ ...Object.fromEntries(query), marker: p.next })}` }] : [];
      json(res, 200, { [key]: p.items, [`${key}_links`]: links });
    };
    const sid = SERVER_ID;
    const server = w.server;

    if (path === '/v3/auth/tokens' && req.method === 'GET') {
      // tok is project p1's, tok2 another project's (p2), at the same endpoints.
      const project = { tok: 'p1', tok2: 'p2' }[String(req.headers['x-subject-token'])];
      if (!project) return json(res, 404, {});
      return json(res, 200, { token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), project: { id: project }, user: { id: 'u' }, catalog } });
    }
    if (path === '/v3/auth/tokens' && req.method === 'POST') return signInV3(req, res, w.signIn);
    if (path === '/v2.0/tokens' && req.method === 'POST') return signInV2(req, res, w.signIn);
    if (path === '/compute/v2.1/') return json(res, 200, { version: { version: '2.93', min_version: '2.1' } });
    if (path === '/compute/v2.1/flavors/detail') return linked('flavors', w.flavors);
    if (path === '/image/v2/images') {
      const p = page(w.images, query, w.pageSize);
      return json(res, 200, { images: p.items, first: '/v2/images', ...(p.next ? { next: `/v2/images?marker=${p.next}&limit=${w.pageSize}` } : {}) });
    }
    const image = w.images.find((i) => path === `/image/v2/images/${String(i.id)}`);
    // Glance answers one image unwrapped, an unknown one 404 and a malformed id 400 (it is not a UUID).
    if (image && req.method === 'GET') return json(res, 200, image);
    if (path.startsWith('/image/v2/images/') && !/^[0-9a-f-]{36}$/.test(path.slice('/image/v2/images/'.length))) return json(res, 400, { message: 'Invalid image id' });
    if (path === '/compute/v2.1/servers' && req.method === 'POST') {
      w.created.push((req.body as { server: Doc }).server);
      w.server = { ...SERVER, 'OS-EXT-STS:task_state': null };
      return json(res, 202, { server: { id: sid } });
    }
    const keypair = /^\/compute\/v2\.1\/os-keypairs\/(.+)$/.exec(path)?.[1];
    if (keypair !== undefined && req.method === 'GET') {
      const name = decodeURIComponent(keypair);
      return w.keypairs.names.includes(name) ? json(res, 200, { keypair: { name } }) : json(res, 404, { itemNotFound: { code: 404, message: `Keypair ${name} not found for user u` } });
    }
    if (path === '/compute/v2.1/os-keypairs' && req.method === 'POST') {
      const name = (req.body as { keypair: { name: string } }).keypair.name;
      if (w.keypairs.importStatus === 409) return json(res, 409, { conflictingRequest: { code: 409, message: `Key pair '${name}' already exists.` } });
      if (w.keypairs.importStatus === 400) return badRequest(res, 'Keypair data is invalid: failed to generate fingerprint');
      w.keypairs.names.push(name);
      return json(res, 200, { keypair: { name } });
    }
    if (path === '/compute/v2.1/servers/detail') return linked('servers', server ? [server] : []);
    if (path === '/compute/v2.1/servers') return linked('servers', server ? [{ id: server.id, name: server.name }] : []);
    if (path === `/compute/v2.1/servers/${sid}` && req.method === 'GET') {
      if (!server) return json(res, 404, { itemNotFound: { code: 404, message: `Instance ${sid} could not be found.` } });
      if (w.pending.server > 0 && --w.pending.server === 0) {
        if (server['OS-EXT-STS:task_state'] === 'deleting') return (w.server = undefined), json(res, 404, { itemNotFound: { code: 404, message: `Instance ${sid} could not be found.` } });
        Object.assign(server, { status: w.pending.serverStatus ?? 'ACTIVE', 'OS-EXT-STS:task_state': null });
      }
      return json(res, 200, { server });
    }
    if (path === `/compute/v2.1/servers/${sid}` && req.method === 'DELETE') {
      if (w.deleteSteps === 0) w.server = undefined;
      else if (server) Object.assign(server, { 'OS-EXT-STS:task_state': 'deleting' }), (w.pending.server = w.deleteSteps);
      res.writeHead(204);
      return void res.end();
    }
    if (path === `/compute/v2.1/servers/${sid}/os-volume_attachments`) return json(res, 200, { volumeAttachments: [] });
    if (path === `/compute/v2.1/servers/${sid}/action` && server) {
      const body = req.body as Doc;
      if ('reboot' in body) {
        const type = (body.reboot as { type?: unknown } | null)?.type;
        // Nova's schema: type is SOFT or HARD, nothing else.
        if (type !== 'SOFT' && type !== 'HARD') return badRequest(res, `Invalid input for field/attribute type. Value: ${String(type)}. '${String(type)}' is not one of ['HARD', 'Hard', 'SOFT', 'Soft']`);
        if (server.status !== 'ACTIVE' && type === 'SOFT') return json(res, 409, { conflictingRequest: { code: 409, message: `Cannot 'reboot' instance ${sid} while it is in vm_state ${String(server.status).toLowerCase()}` } });
        Object.assign(server, { status: type === 'SOFT' ? 'REBOOT' : 'HARD_REBOOT', 'OS-EXT-STS:task_state': type === 'SOFT' ? 'rebooting' : 'rebooting_hard' });
        w.pending = { ...w.pending, server: w.steps, serverStatus: 'ACTIVE' };
      } else if ('createImage' in body) {
        // Nova (2.45+) answers the new image's id; Glance lists it at once, owned by the project.
        const name = String((body.createImage as { name?: unknown }).name);
        const id = `5a7ed${String(w.images.length).padStart(3, '0')}-0000-4000-8000-000000000000`;
        w.images = [...w.images, { ...w.images[0], id, name, owner: 'p1', visibility: 'private' }];
        return json(res, 202, { image_id: id });
      } else if (NOVA_STATE_ACTIONS[Object.keys(body)[0]!]) {
        // Nova checks the state first: each of these runs from some vm_states only, else 409 (compute/api.py check_instance_state).
        const name = Object.keys(body)[0]!;
        const rule = NOVA_STATE_ACTIONS[name]!;
        if (!rule.from.includes(String(server.status)) || server['OS-EXT-STS:task_state']) {
          return json(res, 409, { conflictingRequest: { code: 409, message: `Cannot '${name}' instance ${sid} while it is in vm_state ${String(server.status).toLowerCase()}` } });
        }
        Object.assign(server, { 'OS-EXT-STS:task_state': rule.task });
        w.pending = { ...w.pending, server: w.steps, serverStatus: rule.to };
      } else return badRequest(res, `the fake does not run ${Object.keys(body).join(', ')}`);
      res.writeHead(202);
      return void res.end();
    }
    if (path === '/network/v2.0/ports') {
      const ports = server ? [w.serverPort] : [];
      const wanted = query.getAll('device_id');
      return linked('ports', wanted.length ? ports.filter((p) => wanted.includes(String(p.device_id))) : ports);
    }
    if (path === '/network/v2.0/floatingips') {
      const ports = query.getAll('port_id');
      return linked('floatingips', (ports.length ? w.floatingIps.filter((ip) => ip.port_id && ports.includes(ip.port_id)) : w.floatingIps) as unknown as Doc[]);
    }
    const ip = w.floatingIps.find((f) => path === `/network/v2.0/floatingips/${f.id}`);
    if (ip && req.method === 'GET') return json(res, 200, { floatingip: ip });
    if (ip && req.method === 'DELETE') {
      w.floatingIps = w.floatingIps.filter((f) => f !== ip);
      res.writeHead(204);
      return void res.end();
    }
    if (ip && req.method === 'PUT') {
      const change = (req.body as { floatingip: Partial<FloatingIp> }).floatingip;
      // A detach accepted and never finished, as a deletion can be (deleteSteps Infinity): the address stays on its port.
      if (change.port_id === null && w.deleteSteps === Infinity) return json(res, 200, { floatingip: ip });
      Object.assign(ip, change);
      return json(res, 200, { floatingip: ip });
    }
    if (path === '/volume/v3/p1/volumes/v1' && req.method === 'DELETE') {
      // Cinder deletes an available volume only, and refuses one already deleting.
      if (w.volume.status !== 'available') return badRequest(res, `Invalid volume: Volume status must be available or error, but current status is: ${String(w.volume.status)}.`);
      w.volume.status = 'deleting';
      w.pending = { ...w.pending, volume: w.deleteSteps };
      res.writeHead(202);
      return void res.end();
    }
    if (path === '/volume/v3/p1/volumes/v1' && req.method === 'GET') {
      if (w.volume.status === 'deleting' && w.pending.volume === 0) return json(res, 404, { itemNotFound: { code: 404, message: 'Volume v1 could not be found.' } });
      if (w.volume.status === 'deleting') return (w.pending.volume -= 1), json(res, 200, { volume: w.volume });
      if (w.pending.volume > 0 && --w.pending.volume === 0) Object.assign(w.volume, { status: 'available', size: w.pending.volumeSize });
      return json(res, 200, { volume: w.volume });
    }
    if (path === '/volume/v3/p1/volumes/v1/action' && req.method === 'POST') {
      const extend = (req.body as { 'os-extend'?: { new_size?: unknown } })['os-extend'];
      const size = extend?.new_size;
      // Cinder: new_size is a whole number of GB larger than the volume, on an available volume.
      if (!Number.isInteger(size)) return badRequest(res, `Invalid input for field/attribute new_size. Value: ${String(size)}.`);
      if ((size as number) <= (w.volume.size as number)) return badRequest(res, `New size for extend must be greater than current size. (current: ${String(w.volume.size)}, extended: ${String(size)}).`);
      if (w.volume.status !== 'available') return badRequest(res, `Volume ${String(w.volume.id)} status must be available or in-use, but current status is: ${String(w.volume.status)}.`);
      w.volume.status = 'extending';
      w.pending = { ...w.pending, volume: w.steps, volumeSize: size as number };
      res.writeHead(202);
      return void res.end();
    }
    json(res, 404, { itemNotFound: { code: 404, message: `the fake has no ${req.method} ${path}` } });
  };
}

type SignIn = World['signIn'];

/** Keystone v3: a password identity (user and domain by name), optionally scoped to a project by name; the token in X-Subject-Token. */
function signInV3(req: Recorded, res: ServerResponse, who: SignIn): void {
  const auth = (req.body as { auth?: { identity?: { methods?: string[]; password?: { user?: Doc } }; scope?: { project?: { name?: string; domain?: { name?: string } } } } }).auth;
  const user = auth?.identity?.password?.user as { name?: string; password?: string; domain?: { name?: string } } | undefined;
  if (auth?.identity?.methods?.[0] !== 'password' || !user) return json(res, 400, { error: { code: 400, message: 'Expecting to find identity in auth' } });
  const scope = auth.scope?.project;
  const known = user.name === who.username && user.password === who.password && user.domain?.name === who.domain;
  const scoped = scope === undefined || (scope.name === who.project && scope.domain?.name === who.domain);
  if (!known || !scoped) return json(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.' } });
  json(res, 201, { token: { ...(who.expires ? { expires_at: who.expires } : {}), methods: ['password'] } }, who.answersWithoutToken ? {} : { 'X-Subject-Token': 'tok' });
}

/** Keystone v2.0: passwordCredentials and a tenant by name; the token in the body. */
function signInV2(req: Recorded, res: ServerResponse, who: SignIn): void {
  const auth = (req.body as { auth?: { passwordCredentials?: { username?: string; password?: string }; tenantName?: string } }).auth;
  const creds = auth?.passwordCredentials;
  if (!creds) return json(res, 400, { error: { code: 400, message: 'Expecting to find passwordCredentials in auth' } });
  const known = creds.username === who.username && creds.password === who.password && (auth.tenantName === undefined || auth.tenantName === who.project);
  if (!known) return json(res, 401, { error: { code: 401, message: 'Invalid user / password' } });
  const token = { ...(who.answersWithoutToken ? {} : { id: 'tok' }), ...(who.expires ? { expires: who.expires } : {}) };
  json(res, 200, { access: { token, user: { name: who.username } } });
}
