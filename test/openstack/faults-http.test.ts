// snf-occi over HTTP in front of a failing OpenStack: a fake Keystone, Nova,
// Glance, Neutron and Cinder on one ephemeral loopback port, which can go
// down (connection refused), answer late, answer 500, send garbage or cut
// the connection mid-body. Each fault gives a gateway status (502/503/504)
// with a message naming the service, in bounded time, with no stack trace
// and no token; /healthz stays 200; the same request succeeds again once the
// cloud is healthy. Never a 500. Needs no real cloud.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startServer, type Reply, type TestServer } from '../helpers/server.js';
import { fixture } from './fixtures.js';

/**
 * The bridge's timeout on the cloud. Long enough that a healthy answer from the
 * fake, delayed only by a starved CPU (load 15 on the shared machine), is not
 * taken for a slow cloud; the slow fault answers after 4 × this.
 */
const TIMEOUT_MS = 1000;
/** Scheduling slack on a shared 2-core machine, and the one 100 ms retry pause of a GET. */
const MARGIN_MS = 1000;
const TOKEN = 'tok-faults-0123456789abcdef';
const SERVER_ID = '541b3ff5-3aec-496f-925c-302c9470a70d';
const VOLUME_ID = '1c68a986-e05b-46f6-9f74-aea7dbe11fec';
const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';

type Service = 'keystone' | 'nova' | 'glance' | 'neutron' | 'cinder';
type Mode = 'slow' | 'error500' | 'garbage' | 'cut';

/** Where each service lives on the fake (the catalog points every service at it). */
const PREFIX: Record<Service, string> = { keystone: '/v3/', nova: '/compute/', glance: '/image/', neutron: '/network/', cinder: '/volume/' };

/** What each service says on an internal error, in its own body shape. */
const FAULT_BODY: Record<Service, (detail: string) => unknown> = {
  keystone: (d) => ({ error: { code: 500, title: 'Internal Server Error', message: `An unexpected error prevented the server from fulfilling your request.${d}` } }),
  nova: (d) => ({ computeFault: { code: 500, message: `Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.${d}` } }),
  glance: (d) => ({ message: `500 Internal Server Error: The server has either erred or is incapable of performing the requested operation.${d}` }),
  neutron: (d) => ({ NeutronError: { type: 'HTTPInternalServerError', message: `Request Failed: internal server error while processing your request.${d}`, detail: '' } }),
  cinder: (d) => ({ computeFault: { code: 500, message: `The server has either erred or is incapable of performing the requested operation.${d}` } }),
};

interface Fault {
  service: Service;
  mode: Mode;
  /** Only requests with this method fail (all when absent). */
  method?: string;
  /** Appended to a 500's message (a traceback, an echoed token …). */
  detail?: (req: IncomingMessage, body: Record<string, unknown> | undefined) => string;
}

/** The fake cloud: healthy unless `fault` says otherwise; `down()` stops listening so connections are refused. */
class FaultyCloud {
  fault: Fault | undefined;
  readonly url: string;
  private server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly port: number, server: Server) {
    this.url = `http://127.0.0.1:${port}`;
    this.server = server;
  }

  static async start(): Promise<FaultyCloud> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const cloud = new FaultyCloud((server.address() as AddressInfo).port, server);
    server.on('request', (req, res) => cloud.onRequest(req, res));
    return cloud;
  }

  async down(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port, as a restarted cloud would. */
  async up(): Promise<void> {
    this.server = createServer((req, res) => this.onRequest(req, res));
    await new Promise<void>((r) => this.server.listen(this.port, '127.0.0.1', r));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
      const path = req.url ?? '/';
      const f = this.fault;
      if (!f || !path.startsWith(PREFIX[f.service]) || (f.method !== undefined && f.method !== req.method)) return this.answer(req, res, body);
      switch (f.mode) {
        case 'slow': {
          // Answers correctly, but after the bridge has given up.
          const t = setTimeout(() => {
            this.timers.delete(t);
            if (!res.destroyed) this.answer(req, res, body);
          }, TIMEOUT_MS * 4);
          this.timers.add(t);
          return;
        }
        case 'error500':
          return json(res, 500, FAULT_BODY[f.service](f.detail?.(req, body) ?? ''));
        case 'garbage':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          return void res.end('{"server": {"id": "541b3ff5", "status": ');
        case 'cut':
          // Headers and half a body, then the connection goes.
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '4096' });
          res.write('{"servers": [{"id": "541b3ff5-3aec-496f-925c-');
          return void setImmediate(() => res.socket?.destroy());
      }
    });
  }

  /** A small healthy OpenStack: every token starting with `tok-` is valid for project p1, and may be rescoped. */
  private answer(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown> | undefined): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    const catalog = (project: string) => [
      { type: 'compute', endpoints: [{ interface: 'public', region_id: 'R', url: `${this.url}/compute/v2.1` }] },
      { type: 'image', endpoints: [{ interface: 'public', region_id: 'R', url: `${this.url}/image` }] },
      { type: 'network', endpoints: [{ interface: 'public', region_id: 'R', url: `${this.url}/network` }] },
      { type: 'volumev3', endpoints: [{ interface: 'public', region_id: 'R', url: `${this.url}/volume/v3/${project}` }] },
    ];
    const token = (project: string) => ({ token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), project: { id: project }, user: { id: 'u1' }, catalog: catalog(project) } });
    if (path === '/v3/auth/tokens' && method === 'GET') {
      const subject = String(req.headers['x-subject-token'] ?? '');
      if (!subject.startsWith('tok-')) return json(res, 404, { error: { code: 404, message: 'Could not find token.' } });
      const project = /-project-(\w+)$/.exec(subject)?.[1] ?? 'p1';
      return json(res, 200, token(project));
    }
    if (path === '/v3/auth/tokens' && method === 'POST') {
      const auth = body?.auth as { identity: { token: { id: string } }; scope: { project: { id: string } } };
      const project = auth.scope.project.id;
      return json(res, 201, token(project), { 'X-Subject-Token': `${auth.identity.token.id}-project-${project}` });
    }
    if (path === '/compute/v2.1/') return json(res, 200, { version: { id: 'v2.1', version: '2.93', min_version: '2.1' } });
    if (path === '/compute/v2.1/flavors/detail') return json(res, 200, fixture('flavors.json'));
    if (path === '/image/v2/images') return json(res, 200, fixture('images.json'));
    const server = fixture<{ server: Record<string, unknown> }>('server-active.json').server;
    if (path === '/compute/v2.1/servers/detail') return json(res, 200, { servers: [server] });
    if (path === '/compute/v2.1/servers') return json(res, 200, { servers: [{ id: server.id, name: server.name }] });
    if (path === `/compute/v2.1/servers/${SERVER_ID}`) return json(res, 200, { server });
    if (path === `/compute/v2.1/servers/${SERVER_ID}/os-volume_attachments`) return json(res, 200, fixture('volume-attachments.json'));
    if (path === '/network/v2.0/ports') return json(res, 200, fixture('ports.json'));
    if (path === '/network/v2.0/floatingips') return json(res, 200, { floatingips: [] });
    if (path === '/network/v2.0/networks') return json(res, 200, fixture('networks.json'));
    if (path === '/network/v2.0/subnets') return json(res, 200, fixture('subnets.json'));
    const volumes = fixture<{ volumes: { id: string }[] }>('volumes-detail.json').volumes;
    if (/^\/volume\/v3\/\w+\/volumes\/detail$/.test(path)) return json(res, 200, { volumes });
    if (/^\/volume\/v3\/\w+\/volumes$/.test(path) && method === 'POST') {
      const v = body?.volume as { size: number; name: string };
      return json(res, 202, { volume: { id: '6a1b2c3d-0000-4000-8000-000000000001', status: 'creating', size: v.size, name: v.name, attachments: [], metadata: {} } });
    }
    if (path.endsWith(`/volumes/${VOLUME_ID}`)) return json(res, 200, { volume: volumes[0] });
    json(res, 404, { itemNotFound: { code: 404, message: `no ${method} ${path} here` } });
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Traces of a stack in an answer: Node frames, internal modules, source positions, Python tracebacks. */
const STACK = /\n\s+at |node:internal|\.[jt]s:\d+|Traceback \(most recent call last\)|File "[^"]+", line \d+/;

interface Probe {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  /** A token snf-occi has not validated yet, so Keystone is asked. */
  freshToken?: boolean;
  /** A project of its own, so the templates (Glance, Nova flavors) are loaded again. */
  freshProject?: boolean;
}

const STORAGE_BODY = `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\nX-OCCI-Attribute: occi.core.title="faults"\n`;

/** The OCCI requests that reach each service (caches warm: templates and tokens are not fetched again). */
const PROBES: Record<Service, Probe[]> = {
  keystone: [
    { label: 'GET /-/ with a new token', method: 'GET', path: '/-/', freshToken: true },
    { label: 'POST /storage/ with a new token', method: 'POST', path: '/storage/', freshToken: true },
  ],
  glance: [{ label: 'GET /-/ for a new project', method: 'GET', path: '/-/', freshProject: true }],
  nova: [
    { label: 'GET /compute/', method: 'GET', path: '/compute/' },
    { label: 'GET /compute/<id>', method: 'GET', path: `/compute/${SERVER_ID}` },
  ],
  neutron: [
    { label: 'GET /compute/<id>', method: 'GET', path: `/compute/${SERVER_ID}` },
    { label: 'GET /network/', method: 'GET', path: '/network/' },
  ],
  cinder: [
    { label: 'GET /storage/', method: 'GET', path: '/storage/' },
    { label: 'GET /storage/<id>', method: 'GET', path: `/storage/${VOLUME_ID}` },
    { label: 'POST /storage/', method: 'POST', path: '/storage/' },
  ],
};

/** The status and the start of the message each fault gives, naming the service. */
const EXPECTED: Record<Mode, { status: number; message: (s: Service) => RegExp }> = {
  slow: { status: 504, message: (s) => new RegExp(`^${s} did not answer within ${TIMEOUT_MS} ms$`) },
  error500: { status: 502, message: (s) => new RegExp(`^${s} failed \\(HTTP 500\\): `) },
  garbage: { status: 502, message: (s) => new RegExp(`^${s} sent a body that is not JSON \\(HTTP 200\\)$`) },
  cut: { status: 502, message: (s) => new RegExp(`^${s} broke the connection`) },
};

describe(`snf-occi over HTTP on a faulty OpenStack (timeout ${TIMEOUT_MS} ms)`, () => {
  let cloud: FaultyCloud;
  let s: TestServer;
  const statuses: number[] = [];
  const secrets = new Set<string>([TOKEN]);
  const health: number[] = [];
  let healthTimer: NodeJS.Timeout | undefined;
  let fresh = 0;

  before(async () => {
    cloud = await FaultyCloud.start();
    s = await startServer((c) => {
      c.backend = 'openstack';
      c.openstack.keystoneUrl = `${cloud.url}/v3`;
      c.openstack.timeoutMs = TIMEOUT_MS;
      c.limits.requestTimeoutMs = 3000;
      c.limits.headersTimeoutMs = 2000;
    });
    // /healthz is asked all along, faults included.
    const poll = (): void => {
      void s.request('GET', '/healthz', { token: null }).then(
        (r) => health.push(r.status),
        () => health.push(0),
      );
      healthTimer = setTimeout(poll, 100);
    };
    poll();
  });

  after(async () => {
    clearTimeout(healthTimer);
    await s.close();
    await cloud.down();
  });

  /** Who a probe speaks as: a new token or project when it asks for one, kept to repeat the same request. */
  interface As {
    token: string;
    project?: string;
  }
  function identityFor(p: Probe): As {
    const token = p.freshToken ? `tok-fresh-${++fresh}-0123456789` : TOKEN;
    secrets.add(token);
    return p.freshProject ? { token, project: `px${++fresh}` } : { token };
  }

  /** One request, timed, its status recorded. */
  async function send(p: Probe, as: As = identityFor(p), accept = 'text/plain'): Promise<{ r: Reply; ms: number; as: As }> {
    const headers: Record<string, string> = { Accept: accept };
    if (as.project !== undefined) headers['X-Project-Id'] = as.project;
    if (p.method === 'POST') headers['Content-Type'] = 'text/plain';
    const started = Date.now();
    const r = await s.request(p.method, p.path, { token: as.token, headers, ...(p.method === 'POST' ? { body: STORAGE_BODY } : {}) });
    statuses.push(r.status);
    return { r, ms: Date.now() - started, as };
  }

  /** An error answer fit for a client: the message first, the request id, no stack, no token anywhere. */
  function assertCleanError(r: Reply, message: RegExp): void {
    const [first, second] = r.body.split('\n');
    assert.match(first!, message, r.body);
    assert.equal(second, `request-id: ${String(r.headers['x-request-id'])}`);
    assert.doesNotMatch(r.body, STACK);
    const everything = r.body + JSON.stringify(r.headers);
    for (const t of secrets) assert.ok(!everything.includes(t), `the answer shows a token: ${r.body}`);
  }

  /** The request succeeds (again), as the same caller when `as` is given. */
  const healthy = (p: Probe, as?: As): Promise<void> =>
    send(p, as).then(({ r }) => assert.ok(r.status === 200 || r.status === 201, `${p.label}: ${r.status} ${r.body}`));

  it('answers normally when the cloud is healthy (warms the token, microversion and template caches)', async () => {
    for (const probes of Object.values(PROBES)) for (const p of probes) await healthy(p);
    const { r } = await send(PROBES.nova[1]!);
    assert.match(r.body, /^X-OCCI-Attribute: occi\.compute\.state="active"$/m);
    assert.match(r.body, /^Link: <[^>]+\/storage\/1c68a986-e05b-46f6-9f74-aea7dbe11fec>/m);
  });

  it('Keystone down (connection refused) → 503 naming keystone, at once; a known token → 503 naming the service; then recovers', async () => {
    const probe = PROBES.keystone[0]!;
    const as = identityFor(probe);
    await cloud.down();
    try {
      const { r, ms } = await send(probe, as);
      assert.equal(r.status, 503, r.body);
      assertCleanError(r, /^keystone is unreachable \(ECONNREFUSED\)$/);
      assert.ok(ms < MARGIN_MS, `refused connections are not waited for (took ${ms} ms)`);
      const known = await send(PROBES.nova[1]!);
      assert.equal(known.r.status, 503, known.r.body);
      assertCleanError(known.r, /^(nova|neutron) is unreachable \(ECONNREFUSED\)$/);
      const h = await s.request('GET', '/healthz', { token: null });
      assert.equal(h.status, 200);
      assert.equal(h.body, '{"status":"ok"}');
    } finally {
      await cloud.up();
    }
    // The same token that failed is validated now: no failure was cached.
    await healthy(probe, as);
    await healthy(PROBES.nova[1]!);
  });

  it('Nova slower than the timeout → 504 within the timeout and a margin, /healthz answering meanwhile; then recovers', async () => {
    cloud.fault = { service: 'nova', mode: 'slow' };
    try {
      const pending = send(PROBES.nova[1]!);
      const h0 = Date.now();
      const h = await s.request('GET', '/healthz', { token: null });
      assert.equal(h.status, 200);
      // Nova answers only after 4 × the timeout: a prompt 200 shows /healthz does not wait for the cloud.
      assert.ok(Date.now() - h0 < MARGIN_MS, `healthz took ${Date.now() - h0} ms`);
      const { r, ms } = await pending;
      assert.equal(r.status, 504, r.body);
      assertCleanError(r, EXPECTED.slow.message('nova'));
      assert.ok(ms >= TIMEOUT_MS - 50 && ms < TIMEOUT_MS + MARGIN_MS, `took ${ms} ms`);
    } finally {
      cloud.fault = undefined;
    }
    await healthy(PROBES.nova[1]!);
  });

  it('Nova 500 → 502 with Nova\'s words, the echoed token masked, in text and JSON; then recovers', async () => {
    // A careless service echoing the caller's token must not leak it through the bridge.
    cloud.fault = { service: 'nova', mode: 'error500', detail: (req) => ` (token ${String(req.headers['x-auth-token'])})` };
    try {
      const { r } = await send(PROBES.nova[1]!);
      assert.equal(r.status, 502, r.body);
      assertCleanError(r, /^nova failed \(HTTP 500\): Unexpected API Error\. .* \(token \*\*\*\)$/);
      const j = await send(PROBES.nova[0]!, { token: TOKEN }, 'application/occi+json');
      assert.equal(j.r.status, 502);
      const err = j.r.json<{ error: { status: number; message: string; request_id: string } }>().error;
      assert.equal(err.status, 502);
      assert.match(err.message, /^nova failed \(HTTP 500\): Unexpected API Error/);
      assert.equal(err.request_id, j.r.headers['x-request-id']);
      assert.ok(!j.r.body.includes(TOKEN));
    } finally {
      cloud.fault = undefined;
    }
    await healthy(PROBES.nova[1]!);
  });

  it('a garbage body from Nova → 502; then recovers', async () => {
    cloud.fault = { service: 'nova', mode: 'garbage' };
    try {
      const { r, ms } = await send(PROBES.nova[1]!);
      assert.equal(r.status, 502, r.body);
      assertCleanError(r, /^nova sent a body that is not JSON \(HTTP 200\)$/);
      assert.ok(ms < MARGIN_MS, `took ${ms} ms`);
    } finally {
      cloud.fault = undefined;
    }
    await healthy(PROBES.nova[1]!);
  });

  it('Nova cutting the connection mid-body → 502; then recovers', async () => {
    cloud.fault = { service: 'nova', mode: 'cut' };
    try {
      const { r, ms } = await send(PROBES.nova[1]!);
      assert.equal(r.status, 502, r.body);
      assertCleanError(r, /^nova broke the connection/);
      assert.ok(ms < MARGIN_MS, `took ${ms} ms`);
    } finally {
      cloud.fault = undefined;
    }
    await healthy(PROBES.nova[1]!);
  });

  it('every fault of every service, on the requests that reach it → its gateway status and message; each request recovers', async () => {
    for (const service of Object.keys(PROBES) as Service[]) {
      for (const mode of Object.keys(EXPECTED) as Mode[]) {
        const want = EXPECTED[mode];
        for (const probe of PROBES[service]) {
          cloud.fault = { service, mode };
          let outcome: { r: Reply; ms: number; as: As };
          try {
            outcome = await send(probe);
          } finally {
            cloud.fault = undefined;
          }
          const { r, ms, as } = outcome;
          const what = `${service} ${mode}, ${probe.label}: ${r.status} ${r.body}`;
          assert.equal(r.status, want.status, what);
          assertCleanError(r, want.message(service));
          assert.ok(ms < TIMEOUT_MS + MARGIN_MS, `${what} took ${ms} ms`);
          await healthy(probe, as);
        }
      }
    }
  });

  // Bug: cloud-errors.ts passes a service's whole message through, tracebacks included (see the report).
  it('a Nova 500 carrying a Python traceback → 502 without the traceback', async () => {
    const traceback =
      '\nTraceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/nova/api/openstack/wsgi.py", line 658, in wrapped\n' +
      "    return f(*args, **kwargs)\noslo_db.exception.DBConnectionError: (pymysql.err.OperationalError) (2013, 'Lost connection')";
    cloud.fault = { service: 'nova', mode: 'error500', detail: () => traceback };
    try {
      const { r } = await send(PROBES.nova[1]!);
      assert.equal(r.status, 502, r.body);
      assertCleanError(r, /^nova failed \(HTTP 500\): Unexpected API Error/);
    } finally {
      cloud.fault = undefined;
    }
  });

  // Bug: keystone.ts sends the token of a rescope in the body, so http.ts does not know it is a secret (see the report).
  it('Keystone failing a rescope (X-Project-Id) and echoing the token → 502 with the token masked', async () => {
    const probe = PROBES.glance[0]!;
    const as = identityFor(probe);
    cloud.fault = {
      service: 'keystone',
      mode: 'error500',
      method: 'POST',
      detail: (_req, body) => ` (token ${JSON.stringify(body)})`,
    };
    try {
      const { r } = await send(probe, as);
      assert.equal(r.status, 502, r.body);
      assertCleanError(r, /^keystone failed \(HTTP 500\): An unexpected error/);
    } finally {
      cloud.fault = undefined;
    }
    await healthy(probe, as);
  });

  it('never answered 500, and /healthz answered 200 all along', async () => {
    assert.ok(statuses.length > 50, `${statuses.length} requests`);
    assert.ok(!statuses.includes(500), `statuses: ${statuses.join(' ')}`);
    assert.ok(health.length >= 10, `${health.length} health probes`);
    assert.deepEqual(
      health.filter((h) => h !== 200),
      [],
    );
  });
});
