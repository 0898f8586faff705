// The cloud side of `npm run bench:openstack`: the run's settings, the direct
// client (JSON to the services with the caller's token), and the computes and
// volume the run measures on, made before and deleted after, checked gone
// through the API.
import type { OsAccount, Token } from '../test/openstack/os-env.js';
import { pollDelay } from '../src/backends/openstack/services/wait.js';

export const N = positive('BENCH_OS_N', 30);
export const CYCLES = positive('BENCH_OS_CYCLES', 10);
export const COMPUTES = positive('BENCH_OS_COMPUTES', 3);
export const DEADLINE = Date.now() + positive('BENCH_OS_DEADLINE_S', 900) * 1000;
export const RUN = `osb${Date.now().toString(36)}`;
export const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
/** The microversion snf-occi negotiates on openstack-lite; the direct client asks for the same answers. */
export const NOVA_HEADERS = { 'OpenStack-API-Version': 'compute 2.90' };
/** Client-side polling of a volume's state, on both sides alike. */
export const POLL_MS = 200;

function positive(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (Number.isInteger(v) && v >= 1) return v;
  process.stderr.write(`bench:openstack: ${name} must be a positive integer, got '${process.env[name]}'\n`);
  process.exit(2);
}

/** Set by Ctrl-C: measuring stops and the clean-up runs. */
let stopping = false;

export function stop(): void {
  stopping = true;
}

export function checkDeadline(what: string): void {
  if (stopping) throw new Error(`interrupted while ${what}`);
  if (Date.now() > DEADLINE) throw new Error(`deadline reached (BENCH_OS_DEADLINE_S) while ${what}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- HTTP

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** One HTTP exchange, body read in full (both sides pay for the bytes). */
export async function exchange(method: string, url: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(60_000) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export function expect(a: Answer, statuses: number[], what: string): Answer {
  if (!statuses.includes(a.status)) throw new Error(`${what}: HTTP ${a.status} ${a.text.slice(0, 300)}`);
  return a;
}

/** The direct client: JSON to a service with the caller's token. */
export async function os(method: string, url: string, token: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'X-Auth-Token': token, Accept: 'application/json', ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return exchange(method, url, headers, body === undefined ? undefined : JSON.stringify(body));
}

export async function osJson<T>(url: string, token: string, extra: Record<string, string> = {}): Promise<T> {
  return JSON.parse(expect(await os('GET', url, token, undefined, extra), [200], `GET ${url}`).text) as T;
}

/** A new token for the same user and project, from an existing one (no password hashing: cheap to make). */
export async function freshToken(a: OsAccount, t: Token): Promise<string> {
  const base = a.authUrl.endsWith('/v3') ? a.authUrl : `${a.authUrl}/v3`;
  const body = { auth: { identity: { methods: ['token'], token: { id: t.token } }, scope: { project: { id: t.projectId } } } };
  const r = expect(await exchange('POST', `${base}/auth/tokens`, { 'Content-Type': 'application/json' }, JSON.stringify(body)), [201], 'token');
  return r.headers.get('x-subject-token')!;
}

// ---------------------------------------------------------------- the cloud set-up and clean-up

export interface Endpoints {
  compute: string;
  image: string;
  network: string;
  volume: string;
}

export function endpoints(t: Token): Endpoints {
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
export interface Created {
  servers: Set<string>;
  volumes: Set<string>;
}

/** Reads until done; 'adaptive' polls on snf-occi's own schedule (wait.ts), as its DELETE waits for a volume to go. */
export async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, intervalMs: number | 'adaptive', maxMs: number): Promise<T> {
  const end = Math.min(Date.now() + maxMs, DEADLINE + 300_000);
  for (let n = 0; ; n++) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs === 'adaptive' ? pollDelay(n) : intervalMs);
  }
}

export async function volumeStatus(e: Endpoints, token: string, id: string): Promise<string> {
  const r = await os('GET', `${e.volume}/volumes/${id}`, token);
  if (r.status === 404) return 'gone';
  return (JSON.parse(expect(r, [200], `GET volume ${id}`).text) as { volume: { status: string } }).volume.status;
}

export async function serverStatus(e: Endpoints, token: string, id: string): Promise<string> {
  const r = await os('GET', `${e.compute}/servers/${id}`, token, undefined, NOVA_HEADERS);
  if (r.status === 404) return 'gone';
  const s = (JSON.parse(expect(r, [200], `GET server ${id}`).text) as { server: { status: string; fault?: { message?: string } } }).server;
  if (s.status === 'ERROR') throw new Error(`server ${id} went to ERROR: ${s.fault?.message ?? 'no fault message'}`);
  return s.status;
}

/** Polls a server until it has `status` and no task, on snf-occi's own schedule (50 ms, growing). */
export async function settled(e: Endpoints, token: string, id: string, status: string): Promise<void> {
  for (let n = 0; ; n++) {
    checkDeadline(`waiting for server ${id} to be ${status}`);
    const r = await os('GET', `${e.compute}/servers/${id}`, token, undefined, NOVA_HEADERS);
    const s = (JSON.parse(expect(r, [200], `GET server ${id}`).text) as { server: Record<string, unknown> }).server;
    if (s.status === status && !s['OS-EXT-STS:task_state']) return;
    await sleep(pollDelay(n));
  }
}

export interface Fixture {
  servers: string[];
  volume: string;
}

export async function setUp(e: Endpoints, t: Token, made: Created): Promise<Fixture> {
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
export async function cleanUp(e: Endpoints, t: Token, made: Created): Promise<string> {
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

