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
// create+delete and compute stop+start cycles, BENCH_OS_COMPUTES (3),
// BENCH_OS_DEADLINE_S (900); BENCH_OS_ONLY=<names, comma-separated> measures
// only the operations whose names begin so (e.g. "GET /storage,GET /compute/<id>").
import { rmSync } from 'node:fs';
import { passwordToken, primaryAccount, type OsAccount, type Token } from '../test/openstack/os-env.js';
import {
  checkDeadline,
  cleanUp,
  COMPUTES,
  CYCLES,
  endpoints,
  expect,
  freshToken,
  INFRA,
  N,
  NOVA_HEADERS,
  os,
  osJson,
  POLL_MS,
  RUN,
  settled,
  setUp,
  stop,
  until,
  volumeStatus,
  type Answer,
  type Created,
  type Endpoints,
  type Fixture,
} from './openstack-cloud.js';
import { Laps, table, timed, type Mode, type Row } from './openstack-report.js';
import { attribute, cloudCalls, occi, startOcci, type Occi } from './openstack-occi.js';

// ---------------------------------------------------------------- operations and measurement

interface Operation {
  name: string;
  /** Requests per measurement. */
  count: number;
  direct: (token: string) => Promise<void>;
  occi: (token: string) => Promise<void>;
  /** The times of each step of a cycle, on each side, reported as rows of their own. */
  laps?: Laps;
}

function operations(e: Endpoints, o: Occi, f: Fixture, made: Created): Operation[] {
  const vm = f.servers[0]!;
  const cycler = f.servers[f.servers.length - 1]!;
  const all = async (...calls: Promise<Answer>[]): Promise<void> => {
    for (const a of await Promise.all(calls)) expect(a, [200], 'direct');
  };
  const get = async (path: string, token: string): Promise<void> => {
    expect(await occi(o, 'GET', path, token), [200], `GET ${path}`);
  };
  let cycle = 0;
  const actions = new Laps();
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
      // A text/plain listing is locations only: a client's equivalent is Nova's cheap listing.
      direct: (tk) => all(os('GET', `${e.compute}/servers`, tk, undefined, NOVA_HEADERS)),
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
      // Two actions that wait for their state: snf-occi's answer shows it; the direct client polls as snf-occi does (wait.ts).
      name: 'stop+start compute (cycle)',
      count: CYCLES,
      laps: actions,
      direct: async (tk) => {
        checkDeadline('stopping a server');
        for (const [action, status] of [['os-stop', 'SHUTOFF'], ['os-start', 'ACTIVE']] as const) {
          await actions.time('direct', action.slice(3), async () => {
            expect(await os('POST', `${e.compute}/servers/${cycler}/action`, tk, { [action]: null }, NOVA_HEADERS), [202], action);
            await settled(e, tk, cycler, status);
          });
        }
      },
      occi: async (tk) => {
        checkDeadline('stopping a compute');
        for (const [action, state] of [['stop', 'inactive'], ['start', 'active']] as const) {
          const body = `Category: ${action}; scheme="${INFRA.replace('#', '/compute/action#')}"; class="action"\n`;
          await actions.time('occi', action, async () => {
            const r = expect(await occi(o, 'POST', `/compute/${cycler}?action=${action}`, tk, body), [200], `${action} compute`);
            if (attribute(r.text, 'occi.compute.state') !== `"${state}"`) throw new Error(`${action} answered before the compute was ${state}: ${r.text.slice(0, 300)}`);
          });
        }
      },
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
        await until(`volume ${id} to go`, () => volumeStatus(e, tk, id), (s) => s === 'gone', 'adaptive', 60_000);
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

/** BENCH_OS_ONLY: the operations to measure, by the start of their names; all without it. */
function chosen(op: Operation): boolean {
  const only = process.env.BENCH_OS_ONLY?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return !only?.length || only.some((prefix) => op.name.startsWith(prefix));
}

/** The operation's row, then one for each step of a cycle (laps). */
async function measure(op: Operation, mode: Mode, o: Occi, a: OsAccount, t: Token): Promise<Row[]> {
  const token = (): Promise<string> => (mode === 'new token' ? freshToken(a, t) : Promise.resolve(t.token));
  // Untimed warm-up: connections, JIT, snf-occi's caches of the cached token and templates.
  await op.direct(t.token);
  await op.occi(t.token);
  op.laps?.clear();
  const before = await cloudCalls(o);
  o.own.clear();
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
  await new Promise((r) => setTimeout(r, 300)); // the server's log is written in batches, at least every 100 ms
  row.own = o.own.times();
  const after = await cloudCalls(o);
  for (const [service, n] of after) {
    const delta = n - (before.get(service) ?? 0);
    if (delta > 0) row.calls.set(service, delta);
  }
  const steps = op.laps?.rows(mode) ?? [];
  for (const step of steps) step.own = o.own.times(`action=${step.step}`);
  return [row, ...steps];
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
      stop();
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
    for (const op of operations(e, o, fixture, made).filter(chosen)) {
      for (const mode of ['new token', 'cached token'] as const) {
        process.stdout.write(`measuring ${op.name}, ${mode} …\n`);
        rows.push(...(await unlessInterrupted(measure(op, mode, o, account, t))));
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
