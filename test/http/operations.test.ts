// What an operator relies on: access lines with every field (and never a
// token), /readyz in each condition that makes the server unfit for traffic,
// /metrics from prom-client (histograms, caches, build info, process), off
// meaning 404, Retry-After on 503 and 429, no-store on tenants' answers, CORS
// preflights that allow Authorization, and failed authentication limited per
// client address with refusals remembered briefly.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { describe, test } from 'node:test';
import type { Db } from '../../src/backends/local/database.js';
import type { AuthRequest } from '../../src/port/backend.js';
import { fakeCloud } from '../openstack/fake-cloud.js';
import { ALICE, BOB, COMPUTE_KIND, startServer, type TestServer } from '../helpers/server.js';

/** Polls /readyz until `check` passes; fails with the last answer. */
async function readyz(s: TestServer, check: (status: number, body: string) => boolean): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await s.request('GET', '/readyz', { token: null });
    if (check(r.status, r.body)) return r;
    if (Date.now() > deadline) assert.fail(`/readyz still answers ${r.status} ${r.body}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

const lines = (s: TestServer): Array<Record<string, any>> => s.logs.map((l) => JSON.parse(l) as Record<string, any>);

describe('access log', () => {
  test('each line has method, path with query, route, status, duration, tenant, client, agent, id and the error sent; no token anywhere', async () => {
    const s = await startServer();
    try {
      const created = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\n` });
      const path = new URL(created.headers.location!).pathname;
      const r = await s.request('POST', `${path}?action=bogus&X-Auth-Token=${ALICE}&note=${BOB}`, { headers: { 'User-Agent': 'ops-test/1.0', 'Content-Type': 'text/plain' }, body: '' });
      assert.equal(r.status, 400, r.body);
      await s.request('GET', `/-/?token=${ALICE}`, { token: null, headers: { Authorization: `Bearer ${ALICE}` } });
      const line = lines(s).find((l) => l.msg === 'request' && l.method === 'POST' && String(l.path).includes('action=bogus'));
      assert.ok(line, s.logs.join(''));
      assert.equal(line.path, `${path}?action=bogus&X-Auth-Token=***&note=***`, 'secret names and token-like values masked');
      assert.equal(line.route, '/compute/{id}');
      assert.equal(line.status, 400);
      assert.equal(typeof line.ms, 'number');
      assert.equal(line.tenant, 'alice');
      assert.equal(line.agent, 'ops-test/1.0');
      assert.equal(line.client, '127.0.0.1');
      assert.match(line.reqId, /^[0-9a-f-]{36}$/);
      assert.equal(line.reqId, r.headers['x-request-id']);
      assert.ok(typeof line.error === 'string' && line.error.length > 0, 'the message sent is logged');
      for (const l of s.logs) assert.ok(!l.includes(ALICE) && !l.includes(BOB), `a token in a log line: ${l}`);
      const bearer = lines(s).find((l) => l.route === '/-/');
      assert.equal(bearer?.path, '/-/?token=***');
    } finally {
      await s.close();
    }
  });

  test('a request that takes too long to arrive is 408 in the log and the metrics, not 400', async () => {
    const s = await startServer((c) => {
      c.limits.requestTimeoutMs = 300;
      c.limits.headersTimeoutMs = 300;
    });
    try {
      const socket = net.connect(s.port, '127.0.0.1');
      socket.write(`POST /compute/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\npartial`);
      const reply = await new Promise<string>((resolve) => {
        let out = '';
        socket.on('data', (d) => (out += d.toString()));
        socket.on('close', () => resolve(out));
      });
      assert.match(reply, /^HTTP\/1\.1 408 /);
      const deadline = Date.now() + 5000;
      while (!lines(s).some((l) => l.status === 408) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const logged = lines(s).filter((l) => l.method === 'POST');
      assert.deepEqual(logged.map((l) => l.status), [408], JSON.stringify(logged));
      const m = await s.request('GET', '/metrics', { token: null });
      // The registry is the process's: other tests' requests are in it too, but none of theirs on this route.
      assert.ok(/snf_occi_http_request_duration_seconds_count\{method="POST",route="\/compute\/",status="408"\} 1/.test(m.body), 'counted as 408');
      assert.ok(!/method="POST",route="\/compute\/",status="400"/.test(m.body), 'not counted as 400');
    } finally {
      await s.close();
    }
  });
});

describe('readiness', () => {
  test('/healthz is liveness; /readyz is 503 with the reason in maintenance, with the data dir unwritable, and after refused writes', async () => {
    // A refused write keeps /readyz at 503 for two check intervals: 4 s, so that a starved CPU (load 35) still
    // reads it before it ends (at 100 ms the window closed before the next probe was answered).
    const s = await startServer((c) => (c.health.checkIntervalMs = 2000));
    try {
      await readyz(s, (status) => status === 200);
      s.config.maintenance = true;
      const m = await readyz(s, (status) => status === 503);
      assert.match(m.body, /in maintenance \(setting maintenance\)/);
      assert.equal((await s.request('GET', '/healthz', { token: null })).status, 200, 'alive all the same');
      const occi = await s.request('GET', '/-/');
      assert.equal(occi.status, 503);
      assert.ok(Number(occi.headers['retry-after']) > 0, 'Retry-After on the maintenance 503');
      s.config.maintenance = false;
      await readyz(s, (status) => status === 200);
      // SQLite refuses writes as on a read-only disk: the refusal makes the server unready for a while.
      const db = (s.app.backend as unknown as { db: Db }).db;
      db.pragma('query_only = ON');
      assert.equal((await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\n` })).status, 503);
      const ro = await readyz(s, (status) => status === 503);
      assert.match(ro.body, /data directory is read-only/);
      db.pragma('query_only = OFF');
      await readyz(s, (status) => status === 200);
      rmSync(s.dataDir, { recursive: true, force: true });
      const gone = await readyz(s, (status, body) => status === 503 && body.includes('cannot be written'));
      assert.match(gone.body, new RegExp(`the data directory ${s.dataDir} cannot be written \\(ENOENT`));
      assert.ok(Number(gone.body.length) > 0);
    } finally {
      await s.close();
    }
  });

  test('/readyz is 503 while the identity service is unreachable, checked in the background, not per probe', async () => {
    const keystone = await fakeCloud((_req, res) => {
      res.writeHead(300, { 'Content-Type': 'application/json' });
      res.end('{"versions":{"values":[{"id":"v3.14"}]}}');
    });
    const s = await startServer((c) => {
      c.backend = 'openstack';
      c.openstack.keystoneUrl = `${keystone.url}/v3`;
      c.openstack.timeoutMs = 500;
      c.health.checkIntervalMs = 200;
      c.logLevel = 'debug';
    });
    try {
      await readyz(s, (status) => status === 200).catch(async (err) => {
        await keystone.close();
        throw err;
      });
      const before = keystone.requests.length;
      for (let i = 0; i < 20; i++) await s.request('GET', '/readyz', { token: null });
      assert.ok(keystone.requests.length - before <= 4, `${keystone.requests.length - before} identity calls for 20 probes`);
      await keystone.close();
      const down = await readyz(s, (status) => status === 503);
      assert.match(down.body, new RegExp(`the identity service at ${keystone.url} does not answer`));
      const metrics = await s.request('GET', '/metrics', { token: null });
      assert.match(metrics.body, /^snf_occi_cloud_call_duration_seconds_count\{service="keystone",outcome="ok"\} \d+$/m);
      assert.match(metrics.body, /^snf_occi_cloud_call_duration_seconds_count\{service="keystone",outcome="unreachable"\} \d+$/m);
      // At debug level each call to the cloud has its line.
      const calls = lines(s).filter((l) => l.msg === 'cloud call');
      const ok = calls.find((l) => l.outcome === 'ok');
      assert.ok(ok, 'a line per cloud call');
      assert.deepEqual([ok.cloud, ok.method, ok.path, ok.status, typeof ok.ms], ['keystone', 'GET', '/', 300, 'number']);
      assert.ok(calls.some((l) => l.outcome === 'unreachable' && l.status === undefined));
    } finally {
      await s.close();
    }
  });
});

describe('metrics', () => {
  test('prom-client histograms, cache hits and misses, build info and the process metrics', async () => {
    const s = await startServer();
    try {
      await s.request('GET', '/-/');
      await s.request('GET', '/-/');
      const r = await s.request('GET', '/metrics', { token: null });
      assert.equal(r.status, 200);
      for (const name of [
        '# TYPE snf_occi_http_request_duration_seconds histogram',
        '# TYPE snf_occi_cloud_call_duration_seconds histogram',
        '# TYPE snf_occi_cache_hits_total counter',
        '# TYPE snf_occi_cache_misses_total counter',
        '# TYPE snf_occi_cache_entries gauge',
        '# TYPE snf_occi_build_info gauge',
        '# TYPE process_cpu_user_seconds_total counter',
        '# TYPE nodejs_eventloop_lag_seconds gauge',
      ]) assert.ok(r.body.includes(name), name);
      assert.match(r.body, /^snf_occi_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/-\/",status="200"\} \d+$/m);
      assert.match(r.body, /^snf_occi_cache_hits_total\{cache="catalog"\} [1-9]\d*$/m);
      assert.match(r.body, /^snf_occi_build_info\{version="\d+\.\d+\.\d+",node="v\d+/m);
      assert.ok(!r.body.includes('alice'), 'no tenant nor token in labels');
    } finally {
      await s.close();
    }
  });

  test('metrics off → 404; with metricsToken, /metrics asks for it as a bearer token', async () => {
    const off = await startServer((c) => (c.metrics = false));
    try {
      const r = await off.request('GET', '/metrics', { token: null });
      assert.equal(r.status, 404);
      assert.match(r.body, /metrics are off on this server \(setting metrics\)/);
    } finally {
      await off.close();
    }
    const secret = 'metrics-secret-0123456789abcdef';
    const s = await startServer((c) => (c.metricsToken = secret));
    try {
      const without = await s.request('GET', '/metrics', { token: null });
      assert.equal(without.status, 401);
      assert.match(String(without.headers['www-authenticate']), /^Bearer/);
      assert.equal((await s.request('GET', '/metrics', { token: null, headers: { Authorization: 'Bearer wrong' } })).status, 401);
      assert.equal((await s.request('GET', '/metrics', { token: null, headers: { Authorization: `Bearer ${secret}` } })).status, 200);
    } finally {
      await s.close();
    }
  });
});

describe('headers', () => {
  test('no-store on tenants\' answers; a CORS preflight allows Authorization and a page can read Location, Link, X-Request-Id, Retry-After', async () => {
    const s = await startServer((c) => (c.cors.origins = ['https://app.example.org']));
    try {
      assert.equal((await s.request('GET', '/-/')).headers['cache-control'], 'no-store');
      assert.equal((await s.request('GET', '/compute/', { token: null })).headers['cache-control'], 'no-store');
      const pre = await s.request('OPTIONS', '/compute/', {
        token: null,
        headers: { Origin: 'https://app.example.org', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
      });
      assert.equal(pre.status, 204);
      const allowed = String(pre.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
      for (const h of ['authorization', 'content-type', 'x-auth-token', 'category', 'x-occi-attribute', 'link']) assert.ok(allowed.includes(h), h);
      const r = await s.request('GET', '/-/', { headers: { Origin: 'https://app.example.org' } });
      const exposed = String(r.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
      for (const h of ['location', 'link', 'x-request-id', 'retry-after']) assert.ok(exposed.includes(h), h);
    } finally {
      await s.close();
    }
  });
});

describe('failed authentication', () => {
  test('limited per client address (429 with Retry-After); a refused token is refused again without asking the backend', async () => {
    const s = await startServer((c) => {
      c.rateLimit.failedAuthPerMinute = 1;
      c.rateLimit.failedAuthBurst = 3;
    });
    try {
      const backend = s.app.backend;
      // The embedded cloud answers at once (authenticateNow); either way of asking counts.
      const real = backend.authenticate.bind(backend);
      const now = backend.authenticateNow!.bind(backend);
      let asked = 0;
      backend.authenticate = (req: AuthRequest) => {
        asked++;
        return real(req);
      };
      backend.authenticateNow = (req: AuthRequest) => {
        asked++;
        return now(req);
      };
      const bad = 'not-a-valid-token-0123456789abcdef0123';
      assert.equal((await s.request('GET', '/-/', { token: bad })).status, 401);
      assert.equal((await s.request('GET', '/-/', { token: bad })).status, 401);
      assert.equal(asked, 1, 'the second refusal came from the cache');
      assert.equal((await s.request('GET', '/-/', { token: `${bad}-2` })).status, 401);
      const limited = await s.request('GET', '/-/', { token: `${bad}-3` });
      assert.equal(limited.status, 429, limited.body);
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.match(limited.body, /too many failed authentications from this address/);
      assert.equal(asked, 2, 'refused without asking the backend');
      assert.equal((await s.request('GET', '/-/', { token: ALICE })).status, 429, 'the address waits, whatever token it sends');
      assert.equal((await s.request('GET', '/-/', { token: null })).status, 401, 'no token costs nothing and is not limited');
      assert.equal((await s.request('GET', '/healthz', { token: null })).status, 200);
    } finally {
      await s.close();
    }
  });
});
