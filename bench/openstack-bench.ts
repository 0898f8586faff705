// npm run bench:openstack — what snf-occi adds in front of a real OpenStack.
// For each operation, N sequential requests through an snf-occi process and,
// alternating with them, the direct OpenStack calls a client would make to
// learn the same thing (independent calls in parallel, as snf-occi makes
// them). Twice: with a token never seen before on every request (snf-occi
// validates it with Keystone; the services validate it too, on both sides)
// and with one token, cached. Prints p50/p99 of both sides, their difference,
// and the cloud calls snf-occi made per OCCI request (its GET /metrics).
// Everything it creates is named after the run and deleted, checked through
// the API. Needs OS_* (an openrc file):
//   . /var/lib/openstack-lite/demo-openrc && npm run bench:openstack
// BENCH_OS_N (30) requests per operation, BENCH_OS_CYCLES (10) storage
// create+delete cycles, BENCH_OS_COMPUTES (3), BENCH_OS_DEADLINE_S (900).
import { rmSync } from 'node:fs';
import { startServerChild, type ServerChild } from '../scripts/support/server-child.js';
import { passwordToken, primaryAccount, type OsAccount, type Token } from '../test/openstack/os-env.js';

const N = positive('BENCH_OS_N', 30);
const CYCLES = positive('BENCH_OS_CYCLES', 10);
const COMPUTES = positive('BENCH_OS_COMPUTES', 3);
const DEADLINE = Date.now() + positive('BENCH_OS_DEADLINE_S', 900) * 1000;
const RUN = `osb${Date.now().toString(36)}`;
const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
/** The microversion snf-occi negotiates on openstack-lite; the direct client asks for the same answers. */
const NOVA_HEADERS = { 'OpenStack-API-Version': 'compute 2.90' };
/** Client-side polling of a volume's state, on both sides alike. */
const POLL_MS = 200;
/** snf-occi's own wait after a volume DELETE polls at this period (wait.ts); the direct client does the same. */
const DELETE_POLL_MS = 500;

function positive(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (Number.isInteger(v) && v >= 1) return v;
  process.stderr.write(`bench:openstack: ${name} must be a positive integer, got '${process.env[name]}'\n`);
  process.exit(2);
}

/** Set by Ctrl-C: measuring stops and the clean-up runs. */
let stopping = false;

function checkDeadline(what: string): void {
  if (stopping) throw new Error(`interrupted while ${what}`);
  if (Date.now() > DEADLINE) throw new Error(`deadline reached (BENCH_OS_DEADLINE_S) while ${what}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- HTTP

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** One HTTP exchange, body read in full (both sides pay for the bytes). */
async function exchange(method: string, url: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(60_000) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function expect(a: Answer, statuses: number[], what: string): Answer {
  if (!statuses.includes(a.status)) throw new Error(`${what}: HTTP ${a.status} ${a.text.slice(0, 300)}`);
  return a;
}

/** The direct client: JSON to a service with the caller's token. */
async function os(method: string, url: string, token: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'X-Auth-Token': token, Accept: 'application/json', ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return exchange(method, url, headers, body === undefined ? undefined : JSON.stringify(body));
}

async function osJson<T>(url: string, token: string, extra: Record<string, string> = {}): Promise<T> {
  return JSON.parse(expect(await os('GET', url, token, undefined, extra), [200], `GET ${url}`).text) as T;
}

/** A new token for the same user and project, from an existing one (no password hashing: cheap to make). */
async function freshToken(a: OsAccount, t: Token): Promise<string> {
  const base = a.authUrl.endsWith('/v3') ? a.authUrl : `${a.authUrl}/v3`;
  const body = { auth: { identity: { methods: ['token'], token: { id: t.token } }, scope: { project: { id: t.projectId } } } };
  const r = expect(await exchange('POST', `${base}/auth/tokens`, { 'Content-Type': 'application/json' }, JSON.stringify(body)), [201], 'token');
  return r.headers.get('x-subject-token')!;
}

// ---------------------------------------------------------------- the snf-occi process

interface Occi {
  server: ServerChild;
  base: string;
  /** OCCI requests made through `occi()` so far. */
  requests: number;
}

/** snf-occi on the openstack backend, in a process of its own. */
async function startOcci(authUrl: string): Promise<Occi> {
  // Readiness checks call Keystone too: one an hour keeps them out of the calls counted per request.
  const server = await startServerChild({ tokens: [], config: { backend: 'openstack', openstack: { keystoneUrl: authUrl }, health: { checkIntervalMs: 3_600_000 } } });
  return { server, base: server.base, requests: 0 };
}

async function occi(o: Occi, method: string, path: string, token: string, body?: string): Promise<Answer> {
  o.requests++;
  const headers: Record<string, string> = { 'X-Auth-Token': token, Accept: 'text/plain' };
  if (body !== undefined) headers['Content-Type'] = 'text/plain';
  return exchange(method, path.startsWith('http') ? path : `${o.base}${path}`, headers, body);
}

/** Calls made to the cloud by service, whatever their outcome (the counts of snf_occi_cloud_call_duration_seconds). */
async function cloudCalls(o: Occi): Promise<Map<string, number>> {
  const text = expect(await exchange('GET', `${o.base}/metrics`, {}), [200], 'GET /metrics').text;
  const calls = new Map<string, number>();
  for (const m of text.matchAll(/^snf_occi_cloud_call_duration_seconds_count\{service="([^"]+)",outcome="[^"]+"\} (\d+)$/gm)) {
    calls.set(m[1]!, (calls.get(m[1]!) ?? 0) + Number(m[2]));
  }
  return calls;
}

function attribute(body: string, name: string): string | undefined {
  return new RegExp(`^X-OCCI-Attribute: ${name.replace(/\./g, '\\.')}=(.*)$`, 'm').exec(body)?.[1];
}

// ---------------------------------------------------------------- the cloud set-up and clean-up

interface Endpoints {
  compute: string;
  image: string;
  network: string;
  volume: string;
}

function endpoints(t: Token): Endpoints {
  const need = (type: string): string => {
    const url = t.endpoints[type];
    if (!url) throw new Error(`the catalog has no public ${type} endpoint`);
    return url;
  };
  const image = need('image');
  const network = need('network');
  return {
    compute: need('compute'),
    image: /\/v2$/.test(image) ? image : `${image}/v2`,
    network: /\/v2\.0$/.test(network) ? network : `${network}/v2.0`,
    volume: t.endpoints['block-storage'] ?? need('volumev3'),
  };
}

/** What the run created, so the clean-up finds it even after a failure. */
interface Created {
  servers: Set<string>;
  volumes: Set<string>;
}

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, intervalMs: number, maxMs: number): Promise<T> {
  const end = Math.min(Date.now() + maxMs, DEADLINE + 300_000);
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

async function volumeStatus(e: Endpoints, token: string, id: string): Promise<string> {
  const r = await os('GET', `${e.volume}/volumes/${id}`, token);
  if (r.status === 404) return 'gone';
  return (JSON.parse(expect(r, [200], `GET volume ${id}`).text) as { volume: { status: string } }).volume.status;
}

async function serverStatus(e: Endpoints, token: string, id: string): Promise<string> {
  const r = await os('GET', `${e.compute}/servers/${id}`, token, undefined, NOVA_HEADERS);
  if (r.status === 404) return 'gone';
  const s = (JSON.parse(expect(r, [200], `GET server ${id}`).text) as { server: { status: string; fault?: { message?: string } } }).server;
  if (s.status === 'ERROR') throw new Error(`server ${id} went to ERROR: ${s.fault?.message ?? 'no fault message'}`);
  return s.status;
}

interface Fixture {
  servers: string[];
  volume: string;
}

async function setUp(e: Endpoints, t: Token, made: Created): Promise<Fixture> {
  const image = (await osJson<{ images: { id: string }[] }>(`${e.image}/images?name=tiny`, t.token)).images[0];
  const flavor = (await osJson<{ flavors: { id: string; name: string }[] }>(`${e.compute}/flavors`, t.token)).flavors.find((f) => f.name === 'm1.nano');
  const network = (await osJson<{ networks: { id: string }[] }>(`${e.network}/networks?name=shared`, t.token)).networks[0];
  if (!image || !flavor || !network) throw new Error('the cloud needs the image tiny, the flavor m1.nano and the network shared');
  const servers: string[] = [];
  for (let i = 0; i < COMPUTES; i++) {
    const body = { server: { name: `${RUN}-vm-${i}`, imageRef: image.id, flavorRef: flavor.id, networks: [{ uuid: network.id }] } };
    const r = expect(await os('POST', `${e.compute}/servers`, t.token, body, NOVA_HEADERS), [202], 'create server');
    const id = (JSON.parse(r.text) as { server: { id: string } }).server.id;
    made.servers.add(id);
    servers.push(id);
  }
  const vr = expect(await os('POST', `${e.volume}/volumes`, t.token, { volume: { size: 1, name: `${RUN}-vol` } }), [202], 'create volume');
  const volume = (JSON.parse(vr.text) as { volume: { id: string } }).volume.id;
  made.volumes.add(volume);
  for (const id of servers) await until(`server ${id} to be ACTIVE`, () => serverStatus(e, t.token, id), (s) => s === 'ACTIVE', 1000, 180_000);
  await until(`volume ${volume} to be available`, () => volumeStatus(e, t.token, volume), (s) => s === 'available', 500, 120_000);
  // The first compute carries the volume, so its OCCI rendering has a networkinterface and a storagelink.
  expect(await os('POST', `${e.compute}/servers/${servers[0]}/os-volume_attachments`, t.token, { volumeAttachment: { volumeId: volume } }, NOVA_HEADERS), [200], 'attach volume');
  await until(`volume ${volume} to be in-use`, () => volumeStatus(e, t.token, volume), (s) => s === 'in-use', 500, 120_000);
  return { servers, volume };
}

/** Deletes what the run made, then checks through the API that nothing named after the run is left. */
async function cleanUp(e: Endpoints, t: Token, made: Created): Promise<string> {
  for (const id of made.servers) expect(await os('DELETE', `${e.compute}/servers/${id}`, t.token, undefined, NOVA_HEADERS), [204, 404], `delete server ${id}`);
  for (const id of made.servers) {
    await until(`server ${id} to go`, () => serverStatus(e, t.token, id).catch(() => 'ERROR'), (s) => s === 'gone', 1000, 120_000);
    made.servers.delete(id);
  }
  for (const id of made.volumes) {
    // Deleting the server detaches the volume; Cinder says so a moment later.
    await until(`volume ${id} to be detached`, () => volumeStatus(e, t.token, id), (s) => !['in-use', 'attaching', 'detaching', 'creating'].includes(s), 500, 120_000);
    expect(await os('DELETE', `${e.volume}/volumes/${id}?cascade=true`, t.token), [202, 404], `delete volume ${id}`);
    await until(`volume ${id} to go`, () => volumeStatus(e, t.token, id), (s) => s === 'gone' || s.startsWith('error'), 500, 120_000);
    made.volumes.delete(id);
  }
  const servers = (await osJson<{ servers: { name: string }[] }>(`${e.compute}/servers?name=${RUN}`, t.token, NOVA_HEADERS)).servers;
  const volumes = (await osJson<{ volumes: { name: string | null }[] }>(`${e.volume}/volumes/detail`, t.token)).volumes.filter((v) => v.name?.startsWith(RUN));
  if (servers.length > 0 || volumes.length > 0) throw new Error(`left behind: ${servers.length} servers, ${volumes.length} volumes named ${RUN}*`);
  return `clean-up checked through the API: no server and no volume named ${RUN}* is left`;
}

// ---------------------------------------------------------------- operations and measurement

type Mode = 'new token' | 'cached token';

interface Operation {
  name: string;
  /** Requests per measurement. */
  count: number;
  direct: (token: string) => Promise<void>;
  occi: (token: string) => Promise<void>;
}

function operations(e: Endpoints, o: Occi, f: Fixture, made: Created): Operation[] {
  const vm = f.servers[0]!;
  const all = async (...calls: Promise<Answer>[]): Promise<void> => {
    for (const a of await Promise.all(calls)) expect(a, [200], 'direct');
  };
  const get = async (path: string, token: string): Promise<void> => {
    expect(await occi(o, 'GET', path, token), [200], `GET ${path}`);
  };
  let cycle = 0;
  return [
    {
      name: 'GET /-/',
      count: N,
      direct: (tk) => all(os('GET', `${e.image}/images?limit=200`, tk), os('GET', `${e.compute}/flavors/detail`, tk, undefined, NOVA_HEADERS)),
      occi: (tk) => get('/-/', tk),
    },
    {
      name: 'GET /compute/',
      count: N,
      direct: (tk) => all(os('GET', `${e.compute}/servers/detail`, tk, undefined, NOVA_HEADERS)),
      occi: (tk) => get('/compute/', tk),
    },
    {
      name: 'GET /compute/<id>',
      count: N,
      direct: (tk) =>
        all(
          os('GET', `${e.compute}/servers/${vm}`, tk, undefined, NOVA_HEADERS),
          os('GET', `${e.network}/ports?device_id=${vm}`, tk),
          os('GET', `${e.compute}/servers/${vm}/os-volume_attachments`, tk, undefined, NOVA_HEADERS),
        ),
      occi: (tk) => get(`/compute/${vm}`, tk),
    },
    {
      name: 'GET /storage/<id>',
      count: N,
      direct: (tk) => all(os('GET', `${e.volume}/volumes/${f.volume}`, tk)),
      occi: (tk) => get(`/storage/${f.volume}`, tk),
    },
    {
      // POST, poll until usable, DELETE, until gone: snf-occi's DELETE waits by itself, the direct client polls alike.
      name: 'create+delete storage (cycle)',
      count: CYCLES,
      direct: async (tk) => {
        checkDeadline('creating a volume');
        const r = expect(await os('POST', `${e.volume}/volumes`, tk, { volume: { size: 1, name: `${RUN}-cyc-${cycle++}` } }), [202], 'create volume');
        const id = (JSON.parse(r.text) as { volume: { id: string } }).volume.id;
        made.volumes.add(id);
        await until(`volume ${id}`, () => volumeStatus(e, tk, id), (s) => s === 'available', POLL_MS, 60_000);
        expect(await os('DELETE', `${e.volume}/volumes/${id}?cascade=true`, tk), [202], 'delete volume');
        await until(`volume ${id} to go`, () => volumeStatus(e, tk, id), (s) => s === 'gone', DELETE_POLL_MS, 60_000);
        made.volumes.delete(id);
      },
      occi: async (tk) => {
        checkDeadline('creating a storage');
        const body = `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\nX-OCCI-Attribute: occi.core.title="${RUN}-cyc-${cycle++}"\n`;
        const r = expect(await occi(o, 'POST', '/storage/', tk, body), [201], 'POST /storage/');
        const location = r.headers.get('location')!;
        made.volumes.add(location.slice(location.lastIndexOf('/') + 1));
        await until(`${location}`, async () => attribute((await occi(o, 'GET', location, tk)).text, 'occi.storage.state'), (s) => s === '"online"', POLL_MS, 60_000);
        expect(await occi(o, 'DELETE', location, tk), [200], `DELETE ${location}`);
        made.volumes.delete(location.slice(location.lastIndexOf('/') + 1));
      },
    },
  ];
}

interface Row {
  operation: string;
  mode: Mode;
  n: number;
  direct: number[];
  occi: number[];
  occiRequests: number;
  calls: Map<string, number>;
}

async function timed(f: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await f();
  return performance.now() - start;
}

async function measure(op: Operation, mode: Mode, o: Occi, a: OsAccount, t: Token): Promise<Row> {
  const token = (): Promise<string> => (mode === 'new token' ? freshToken(a, t) : Promise.resolve(t.token));
  // Untimed warm-up: connections, JIT, snf-occi's caches of the cached token and templates.
  await op.direct(t.token);
  await op.occi(t.token);
  const before = await cloudCalls(o);
  const startRequests = o.requests;
  const row: Row = { operation: op.name, mode, n: op.count, direct: [], occi: [], occiRequests: 0, calls: new Map() };
  for (let i = 0; i < op.count; i++) {
    checkDeadline(`measuring ${op.name}`);
    const [forDirect, forOcci] = [await token(), await token()];
    // Alternate which side goes first, so neither always follows the other.
    if (i % 2 === 0) {
      row.direct.push(await timed(() => op.direct(forDirect)));
      row.occi.push(await timed(() => op.occi(forOcci)));
    } else {
      row.occi.push(await timed(() => op.occi(forOcci)));
      row.direct.push(await timed(() => op.direct(forDirect)));
    }
  }
  row.occiRequests = o.requests - startRequests;
  const after = await cloudCalls(o);
  for (const [service, n] of after) {
    const delta = n - (before.get(service) ?? 0);
    if (delta > 0) row.calls.set(service, delta);
  }
  return row;
}

// ---------------------------------------------------------------- report

/** Nearest-rank percentile (with 30 samples, p99 is the slowest). */
function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const signed = (v: number): string => (v >= 0 ? `+${ms(v)}` : `−${ms(-v)}`);
const ratio = (v: number): string => String(Math.round(v * 100) / 100);

function table(rows: Row[]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const out = [
    line(['operation', 'token', 'direct p50/p99 ms', 'snf-occi p50/p99 ms', 'added p50/p99 ms', 'cloud calls per OCCI request']),
    line(['---', '---', '---:', '---:', '---:', '---']),
  ];
  for (const r of rows) {
    const [d50, d99, o50, o99] = [percentile(r.direct, 50), percentile(r.direct, 99), percentile(r.occi, 50), percentile(r.occi, 99)];
    const total = [...r.calls.values()].reduce((x, y) => x + y, 0);
    const by = [...r.calls].sort((x, y) => y[1] - x[1]).map(([s, n]) => `${s} ${ratio(n / r.occiRequests)}`).join(', ');
    const per = `${ratio(total / r.occiRequests)}${by ? ` (${by})` : ''}`;
    const calls = r.operation.includes('cycle') ? `${per}; ${ratio(total / r.n)} per cycle of ${ratio(r.occiRequests / r.n)} requests` : per;
    out.push(line([`${r.operation} ×${r.n}`, r.mode, `${ms(d50)} / ${ms(d99)}`, `${ms(o50)} / ${ms(o99)}`, `${signed(o50 - d50)} / ${signed(o99 - d99)}`, calls]));
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const started = Date.now();
  const account = primaryAccount();
  if (!account) {
    process.stderr.write(
      'bench:openstack needs an OpenStack: set OS_AUTH_URL, OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME\n' +
        '(e.g. `. /var/lib/openstack-lite/demo-openrc`), then run it again.\n',
    );
    return 2;
  }
  const t = await passwordToken(account);
  const e = endpoints(t);
  const made: Created = { servers: new Set(), volumes: new Set() };
  let o: Occi | undefined;
  let failed = false;
  const interrupted = new Promise<never>((_, reject) =>
    process.once('SIGINT', () => {
      stopping = true;
      reject(new Error('interrupted'));
    }),
  );
  interrupted.catch(() => undefined);
  /** Work that Ctrl-C abandons; its own later failure is then of no interest. */
  const unlessInterrupted = <T>(work: Promise<T>): Promise<T> => {
    work.catch(() => undefined);
    return Promise.race([work, interrupted]);
  };
  try {
    o = await startOcci(account.authUrl);
    process.stdout.write(`run ${RUN}: setting up ${COMPUTES} computes (tiny, m1.nano, on shared) and a volume attached to the first …\n`);
    const fixture = await unlessInterrupted(setUp(e, t, made));
    const rows: Row[] = [];
    for (const op of operations(e, o, fixture, made)) {
      for (const mode of ['new token', 'cached token'] as const) {
        process.stdout.write(`measuring ${op.name}, ${mode} …\n`);
        rows.push(await unlessInterrupted(measure(op, mode, o, account, t)));
      }
    }
    const listed = (await osJson<{ servers: unknown[] }>(`${e.compute}/servers`, t.token)).servers.length;
    process.stdout.write(
      [
        '',
        `snf-occi bench on OpenStack (${account.authUrl}), Node ${process.version}, sequential requests over loopback, text/plain;`,
        `the project lists ${listed} servers; direct = the OpenStack calls a client makes for the same answer, in parallel where independent.`,
        '',
        table(rows),
        '',
        `measured in ${Math.round((Date.now() - started) / 1000)} s`,
        '',
      ].join('\n'),
    );
  } catch (err) {
    failed = true;
    process.stderr.write(`bench:openstack failed: ${(err as Error).stack ?? String(err)}\n`);
  } finally {
    try {
      process.stdout.write(`${await cleanUp(e, t, made)}\n`);
    } catch (err) {
      failed = true;
      process.stderr.write(`clean-up failed: ${(err as Error).message}; remove ${RUN}* by hand\n`);
    }
    if (o) {
      await o.server.stop();
      rmSync(o.server.dataDir, { recursive: true, force: true });
    }
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:openstack failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
