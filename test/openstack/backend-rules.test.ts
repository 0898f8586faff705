// Rules of the OpenStack backend's dispatch (backend.ts) that the survivors of
// the Stryker run over src/backends/openstack/*.ts got past (issue 14): no
// password sign-in on Synnefo, a request without a token refused before the
// identity service is asked, credentials that carry a project only when one
// was asked for, the session dropped on the cloud's 401 only, the link a
// request read handed on only when it is that link, and close() letting go of
// everything. On stand-ins for the backend's parts, recording what each is
// asked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OpenStackBackend, type BackendParts } from '../../src/backends/openstack/backend.js';
import { OPENSTACK, SYNNEFO, type Dialect } from '../../src/backends/openstack/dialect.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import type { EntityRecord, LinkRecord } from '../../src/port/backend.js';
import { OcciError } from '../../src/errors.js';
import { refusal } from './recording-http.js';

type Call = [string, ...unknown[]];

function standIn(o: { dialect?: Dialect; fails?: unknown } = {}): { backend: OpenStackBackend; calls: Call[] } {
  const calls: Call[] = [];
  const cloud = { dialect: o.dialect ?? OPENSTACK } as unknown as Cloud;
  const clear = (name: string) => ({ clear: () => void calls.push([`${name}.clear`]) });
  const parts = {
    dialect: o.dialect ?? OPENSTACK,
    identity: {
      challenge: 'Keystone uri="https://keystone/v3"',
      session: async (token: string, project?: string) => (calls.push(['session', token, project]), { token, projectId: 'p-of-token', userId: 'u1', expiresAt: 0, catalog: [] }),
      issue: async (login: unknown) => (calls.push(['issue', login]), { token: 'new', expiresAt: 'later' }),
      forget: (token: string) => void calls.push(['forget', token]),
      close: () => void calls.push(['identity.close']),
      unreachable: async () => undefined,
    },
    connector: {
      connect: async () => {
        if (o.fails !== undefined) throw o.fails;
        return cloud;
      },
    },
    templates: clear('templates'),
    zonesGroups: clear('zonesGroups'),
    reader: {},
    links: {
      update: async (_c: Cloud, kind: string, id: string, _spec: unknown, current: unknown) => (calls.push(['links.update', kind, id, current]), current),
      delete: async (_c: Cloud, kind: string, id: string, current: unknown) => void calls.push(['links.delete', kind, id, current]),
    },
    compute: { recent: clear('recent') },
    storage: { timeoutMs: 1_000, volumeType: undefined, snapshots: clear('snapshots') },
    closeConnections: async () => void calls.push(['closeConnections']),
  } as unknown as BackendParts;
  return { backend: new OpenStackBackend(parts), calls };
}

const link = (kind: 'networkinterface' | 'storagelink', id: string): LinkRecord => ({
  kind,
  id,
  source: { kind: 'compute', id: 's1' },
  target: { kind: 'network', id: 'n1' },
  mixins: [],
  attributes: {},
});

describe('openstack backend: sign-in and credentials', () => {
  test("the backend calls itself 'openstack'", () => {
    // 0
    assert.equal(standIn().backend.name, 'openstack');
  });

  test('password sign-in goes to Keystone on OpenStack; Synnefo offers none (Astakos gives tokens on its web pages only)', async () => {
    // 2, 3, 4
    const { backend, calls } = standIn();
    assert.deepEqual(await backend.issueToken?.({ username: 'demo', password: 'x' } as never), { token: 'new', expiresAt: 'later' });
    assert.deepEqual(calls, [['issue', { username: 'demo', password: 'x' }]]);
    assert.equal(standIn({ dialect: SYNNEFO }).backend.issueToken, undefined);
  });

  test('a request without a token, or with an empty one, is a 401 with the challenge, and the identity service is not asked', async () => {
    // 13, 15, 17
    for (const token of [undefined, '']) {
      const { backend, calls } = standIn();
      const e = await refusal(backend.authenticate({ token } as never));
      assert.equal(e.status, 401);
      assert.equal(e.message, 'no token: send a Keystone token in X-Auth-Token');
      assert.deepEqual(calls, []);
    }
  });

  test('credentials name the project only when the request asked for one', async () => {
    // 19
    const { backend } = standIn();
    assert.deepEqual(await backend.authenticate({ token: 't1' } as never), { token: 't1', tenant: 'p-of-token' });
    assert.deepEqual(await backend.authenticate({ token: 't1', project: 'p2' } as never), { token: 't1', tenant: 'p-of-token', project: 'p2' });
  });
});

describe('openstack backend: dispatch', () => {
  const creds = { token: 'tok', tenant: 'p1' };

  test("the cloud's 401 drops the cached session so the next call validates the token again; other errors keep it", async () => {
    // 91, 94
    const unauthorized = new OcciError(401, 'the token was revoked');
    const dropped = standIn({ fails: unauthorized });
    assert.equal(await refusal(dropped.backend.delete(creds, 'compute', 's1')), unauthorized);
    assert.deepEqual(dropped.calls, [['forget', 'tok']]);

    const notFound = standIn({ fails: new OcciError(404, 'no such compute') });
    assert.equal((await refusal(notFound.backend.delete(creds, 'compute', 's1'))).status, 404);
    assert.deepEqual(notFound.calls, []);

    // Only the cloud's answer (an OcciError) says the token is bad: a fault of the bridge's own that carries a 401 does not.
    const own = Object.assign(new Error('a fault of our own'), { status: 401 });
    const kept = standIn({ fails: own });
    await assert.rejects(kept.backend.delete(creds, 'compute', 's1'), own);
    assert.deepEqual(kept.calls, []);
  });

  test('a link update or delete is handed the record the request read only when it is that link (same kind and id)', async () => {
    // 104, 105, 106, 107
    const { backend, calls } = standIn();
    const same = link('networkinterface', 's1_port-1');
    await backend.update(creds, 'networkinterface', 's1_port-1', {} as never, same);
    await backend.update(creds, 'networkinterface', 's1_port-1', {} as never, link('storagelink', 's1_port-1'));
    await backend.update(creds, 'networkinterface', 's1_port-1', {} as never, link('networkinterface', 's1_port-2'));
    await backend.delete(creds, 'storagelink', 's1_v1', link('storagelink', 's1_v1'));
    await backend.delete(creds, 'storagelink', 's1_v1', link('networkinterface', 's1_v1'));
    await backend.delete(creds, 'storagelink', 's1_v1', link('storagelink', 's1_v2'));
    await backend.delete(creds, 'storagelink', 's1_v1', { kind: 'compute', id: 's1_v1' } as unknown as EntityRecord);
    await backend.delete(creds, 'storagelink', 's1_v1');
    assert.deepEqual(calls, [
      ['links.update', 'networkinterface', 's1_port-1', same],
      ['links.update', 'networkinterface', 's1_port-1', undefined],
      ['links.update', 'networkinterface', 's1_port-1', undefined],
      ['links.delete', 'storagelink', 's1_v1', link('storagelink', 's1_v1')],
      ['links.delete', 'storagelink', 's1_v1', undefined],
      ['links.delete', 'storagelink', 's1_v1', undefined],
      ['links.delete', 'storagelink', 's1_v1', undefined],
      ['links.delete', 'storagelink', 's1_v1', undefined],
    ]);
  });

  test('close() ends the identity service, empties every cache and closes the connections to the cloud', async () => {
    // 87
    const { backend, calls } = standIn();
    await backend.close();
    assert.deepEqual(calls, [['identity.close'], ['templates.clear'], ['zonesGroups.clear'], ['snapshots.clear'], ['recent.clear'], ['closeConnections']]);
  });
});
