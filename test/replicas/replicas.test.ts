// Several replicas, one truth: three snf-occi processes on the OpenStack
// backend (openstack-lite) sharing one PostgreSQL, behind HAProxy (round
// robin). What one replica is told, every other answers; concurrent writes
// through all three end as one process would end them; a replica killed
// during writes loses nothing it acknowledged; PostgreSQL stopped is a 503
// with a reason, and every replica recovers by itself when it is back.
// Needs OS_* (. /var/lib/openstack-lite/demo-openrc), PostgreSQL and HAProxy;
// skipped, saying which is missing, otherwise. It makes one compute (the demo
// project's quota is shared) and tags the cloud's own networks besides;
// the compute is deleted at the end and its deletion checked through Nova.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startServerChild, type ServerChild } from '../../scripts/support/server-child.js';
import { entityPath } from '../helpers/server.js';
import { HAPROXY_SKIP, haproxyBin, startHaproxy, type Balancer } from '../helpers/haproxy.js';
import { postgresMissing, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { altAccount, osGet, passwordToken, primaryAccount, SKIP_MESSAGE, type OsAccount, type Token } from '../openstack/os-env.js';
import { Occi, pathOf } from './occi-http.js';

const demo = primaryAccount();
const alt = altAccount();
const skip = !demo ? SKIP_MESSAGE.replace(/^# SKIPPED: /, '') : (postgresMissing() ?? (haproxyBin() ? false : HAPROXY_SKIP));
if (skip) process.stdout.write(`# SKIPPED: replica tests: ${skip}\n`);

const RUN = `rep${Date.now().toString(36)}`;
const SCHEME = `http://example.com/${RUN}#`;
const QUOTA = 60;

/** Polls `check` until it holds; fails with what was last seen. */
async function eventually<T>(what: string, check: () => Promise<T | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const r = await check();
      if (r !== false) return r;
      last = 'false';
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms; last seen: ${last instanceof Error ? last.message : String(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('three replicas, one PostgreSQL, one load balancer', { skip, timeout: 240_000 }, () => {
  let cluster: PgCluster;
  let storeUrl: string;
  let token: Token;
  let altToken: Token | undefined;
  const replicas: ServerChild[] = [];
  let lb: Balancer;
  /** Through the load balancer, and through each replica directly. */
  let all: Occi;
  let direct: Occi[];
  let vm = '';
  let networks: string[] = [];

  const replica = (account: OsAccount): Promise<ServerChild> =>
    startServerChild({
      tokens: [],
      logLevel: 'info',
      config: {
        backend: 'openstack',
        openstack: { keystoneUrl: account.authUrl },
        store: { url: storeUrl, connectTimeoutMs: 2_000 },
        quotas: { userMixins: QUOTA },
        limits: { requestTimeoutMs: 60_000 },
      },
    });

  before(async () => {
    cluster = await startPostgres();
    storeUrl = await cluster.createDatabase('replicas');
    [token, altToken] = await Promise.all([passwordToken(demo!), alt ? passwordToken(alt) : undefined]);
    replicas.push(...(await Promise.all([replica(demo!), replica(demo!), replica(demo!)])));
    lb = await startHaproxy(replicas.map((r) => r.port));
    all = new Occi(lb.base, token.token);
    direct = replicas.map((r) => new Occi(r.base, token.token));
    await eventually('the balancer sees all three replicas up', async () => (await lb.admin('show servers state replicas')).split('\n').filter((l) => / r\d 127\.0\.0\.1 2 /.test(l)).length === 3);
    const nets = await all.json('GET', '/network/');
    networks = (nets.resources as Array<{ kind: string; id: string; title?: string }>).filter((n) => n.title === 'public' || n.title === 'shared').map(entityPath);
    assert.equal(networks.length, 2, 'openstack-lite has the networks public and shared');
  });

  after(async () => {
    if (vm) {
      const gone = await all.send('DELETE', vm).catch((e: unknown) => ({ status: 0, text: String(e) }));
      if (gone.status !== 200 && gone.status !== 204 && gone.status !== 404) process.stdout.write(`# could not delete ${vm}: ${gone.status} ${gone.text}\n`);
      const id = vm.split('/').pop();
      await eventually(`compute ${id} deleted in Nova`, async () => {
        try {
          const s = await osGet<{ server: { status: string } }>(token, `${token.endpoints.compute}/servers/${id}`);
          return s.server.status === 'DELETED';
        } catch (err) {
          return /HTTP 404/.test((err as Error).message);
        }
      }, 60_000).catch((e: unknown) => process.stdout.write(`# ${String(e)}\n`));
    }
    await lb?.stop();
    await Promise.all(replicas.map(async (r) => (await r.stop(), rmSync(r.dataDir, { recursive: true, force: true }))));
    await cluster?.destroy();
  });

  const define = (via: Occi, term: string): Promise<{ status: number; text: string }> =>
    via.send('POST', '/-/', `Category: ${term}; scheme="${SCHEME}"; class="mixin"; location="/${RUN}/${term}/"\n`);
  const tag = (via: Occi, term: string, paths: string[]): Promise<{ status: number; text: string }> =>
    via.send('POST', `/${RUN}/${term}/`, paths.map((p) => `X-OCCI-Location: ${p}\n`).join(''));
  const ok = (r: { status: number; text: string }, what: string): void => assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
  const mixinTerms = async (via: Occi): Promise<Set<string>> =>
    new Set(((await via.json('GET', '/-/')).mixins as Array<{ term: string; scheme: string }>).filter((m) => m.scheme === SCHEME).map((m) => m.term));

  it('spreads requests over every replica', async () => {
    const before = await Promise.all(replicas.map((r) => requestsServed(r)));
    for (let i = 0; i < 9; i++) await all.json('GET', '/-/');
    const after = await Promise.all(replicas.map((r) => requestsServed(r)));
    const served = after.map((n, i) => n - before[i]!);
    assert.ok(served.every((n) => n >= 2), `requests per replica: ${served.join(', ')}`);
  });

  it('lists a mixin defined through one replica on every other within a second, and its tags', async () => {
    ok(await define(direct[0]!, 'web'), 'define web through r1');
    for (const [i, via] of direct.entries()) await eventually(`r${i + 1} lists web`, async () => (await mixinTerms(via)).has('web'), 1000);
    const created = await eventually('a compute is made (the shared quota may be full a while)', async () => {
      const r = await all.send('POST', '/compute/', ['Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"', 'Category: tiny; scheme=;', 'Category: m1.nano; scheme=;', `X-OCCI-Attribute: occi.core.title="${RUN}-vm"`].join('\n'));
      return r.status === 201 ? r : r.status === 403 && /quota/i.test(r.text) ? false : assert.fail(`POST /compute/: ${r.status} ${r.text}`);
    }, 60_000);
    vm = pathOf(created.location!);
    ok(await tag(direct[1]!, 'web', [vm]), 'tag the compute through r2');
    for (const via of direct) {
      assert.deepEqual((await via.locations(`/${RUN}/web/`)).map(pathOf), [vm]);
      const rendered = await via.json('GET', vm);
      assert.ok((rendered.mixins as string[]).includes(`${SCHEME}web`), JSON.stringify(rendered.mixins));
    }
  });

  it('gives the same answer as one process to the same definition sent through all three at once', async () => {
    const answers = await Promise.all(direct.map((via) => define(via, 'contested')));
    const statuses = answers.map((a) => a.status).sort();
    assert.equal(statuses.filter((s) => s < 300).length, 1, `one definition wins: ${statuses.join(', ')}`);
    for (const a of answers.filter((x) => x.status >= 300)) {
      assert.equal(a.status, 409, a.text);
      assert.match(a.text, /already exists|defined by another request meanwhile/);
    }
  });

  it('ends concurrent tagging through all three replicas with every membership', async () => {
    // Each tagging costs the cloud a look-up of its entity (seconds on openstack-lite): six, two through each replica.
    const terms = ['red', 'green', 'blue'];
    for (const t of terms) ok(await define(all, t), `define ${t}`);
    const entities = [vm, networks[0]!];
    const jobs = terms.flatMap((t, i) => entities.map((e, j) => () => tag(direct[(i + j) % 3]!, t, [e])));
    const answers = await Promise.all(jobs.map((j) => j()));
    answers.forEach((a, i) => ok(a, `tagging ${i}`));
    for (const [r, via] of direct.entries()) {
      for (const t of terms) assert.deepEqual((await via.locations(`/${RUN}/${t}/`)).map(pathOf).sort(), [...entities].sort(), `r${r + 1} members of ${t}`);
    }
  });

  it('counts one quota for a tenant over every replica', { skip: alt ? false : 'no second project (OS_ALT_* or SNF_OCCI_ALT_OPENRC)' }, async () => {
    const others = replicas.map((r) => new Occi(r.base, altToken!.token));
    const answers = await Promise.all(Array.from({ length: QUOTA + 15 }, (_, i) => define(others[i % 3]!, `q${i}`)));
    const refused = answers.filter((a) => a.status === 403);
    assert.equal(answers.filter((a) => a.status < 300).length, QUOTA, answers.filter((a) => a.status >= 300 && a.status !== 403).map((a) => `${a.status} ${a.text}`).join('\n'));
    assert.equal(refused.length, 15);
    assert.match(refused[0]!.text, /at most 60 user mixins/);
    assert.deepEqual([...(await mixinTerms(all))].filter((t) => /^q\d+$/.test(t)), [], 'one tenant’s mixins are not another’s');
  });

  it('loses nothing it acknowledged when a replica is killed during writes', async (t) => {
    const acknowledged: string[] = [];
    const tagged: string[] = [];
    const refused: string[] = [];
    let attempts = 0;
    let killed = false;
    const acked = (r: { status: number } | undefined): boolean => r !== undefined && r.status >= 200 && r.status < 300;
    // Four writers, each defining four mixins and tagging with every other one (a tagging costs the cloud a look-up).
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < 4; i++) {
        const term = `k${w}x${i}`;
        attempts++;
        const made = await define(all, term).catch((e: unknown) => ({ status: 0, text: String(e) }));
        if (!acked(made)) refused.push(`define ${term}: ${made.status} ${made.text.slice(0, 80)}`);
        else acknowledged.push(term);
        if (acked(made) && i % 2 === 0) {
          const r = await tag(all, term, [networks[0]!]).catch((e: unknown) => ({ status: 0, text: String(e) }));
          if (acked(r)) tagged.push(term);
          else refused.push(`tag ${term}: ${r.status} ${r.text.slice(0, 80)}`);
        }
        if (!killed && acknowledged.length >= 4) {
          killed = true;
          await replicas[1]!.kill();
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(writer));
    assert.ok(killed, 'a replica was killed during the writes');
    t.diagnostic(`${acknowledged.length} of ${attempts} definitions and ${tagged.length} taggings acknowledged around the kill; not acknowledged: ${refused.join(' | ') || 'none'}`);
    assert.ok(acknowledged.length >= 8 && tagged.length >= 4, 'the writes went on through the other replicas');
    // The replica comes back on another port, and the balancer is told.
    replicas[1] = await replica(demo!);
    direct[1] = new Occi(replicas[1].base, token.token);
    await lb.move('r2', replicas[1].port);
    for (const [i, via] of direct.entries()) {
      const listed = await mixinTerms(via);
      assert.deepEqual(acknowledged.filter((term) => !listed.has(term)), [], `r${i + 1} lists every acknowledged definition`);
      // The network's rendering names every mixin it is tagged with: one request for all the taggings.
      const mixins = new Set((await via.json('GET', networks[0]!)).mixins as string[]);
      assert.deepEqual(tagged.filter((term) => !mixins.has(`${SCHEME}${term}`)), [], `r${i + 1} has every acknowledged tagging`);
    }
    assert.deepEqual((await direct[1]!.locations(`/${RUN}/${tagged[0]}/`)).map(pathOf), [networks[0]], 'and lists it in the mixin’s collection');
  });

  it('answers 503 with the reason while PostgreSQL is stopped, and recovers by itself when it is back', async () => {
    await cluster.stop();
    try {
      for (const path of ['/compute/', '/-/']) {
        const r = await eventually(`GET ${path} is refused`, async () => {
          const a = await all.send('GET', path);
          return a.status === 503 ? a : false;
        });
        assert.match(r.text, /database cannot be reached just now.*try again in a few seconds/, r.text);
        assert.ok(Number(r.retryAfter) > 0, 'Retry-After says when');
      }
      const refused = await define(all, 'while-down');
      assert.equal(refused.status, 503, refused.text);
      assert.equal((await all.send('GET', '/healthz')).status, 200, 'the replicas live on');
    } finally {
      await cluster.start();
    }
    for (const [i, via] of direct.entries()) await eventually(`r${i + 1} serves again`, async () => (await mixinTerms(via)).has('web'), 20_000);
    ok(await define(direct[2]!, 'after'), 'define after the restart');
    for (const [i, via] of direct.entries()) await eventually(`r${i + 1} lists the new mixin`, async () => (await mixinTerms(via)).has('after'), 6_000);
    assert.ok(!(await mixinTerms(direct[0]!)).has('while-down'), 'the refused definition was not kept');
  });
});

/** GET /-/ requests a replica answered so far, from its /metrics (the balancer's health checks are other routes). */
async function requestsServed(r: ServerChild): Promise<number> {
  const text = await (await fetch(`${r.base}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^snf_occi_http_request_duration_seconds_count\{([^}]*)\} (\d+)/gm)) {
    if (/method="GET"/.test(m[1]!) && /route="\/-\/"/.test(m[1]!)) n += Number(m[2]);
  }
  return n;
}
