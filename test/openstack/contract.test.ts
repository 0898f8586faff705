// The shared backend contract (test/backends/contract.ts) against a real
// OpenStack: demo is alice, alt_demo is bob. Runs only with OS_AUTH_URL set:
//   . /var/lib/openstack-lite/demo-openrc && npx tsc -p tsconfig.json && \
//   node --test dist/test/openstack/contract.test.js
// Everything the contract creates is deleted when the backend closes.
import { it } from 'node:test';
import type { Backend, Credentials, ResourceKindTerm, ResourceRecord, ResourceSpec } from '../../src/port/backend.js';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import { backendContract } from '../backends/contract.js';
import { altAccount, passwordToken, primaryAccount, SKIP_MESSAGE } from './os-env.js';

const demo = primaryAccount();
const alt = altAccount();

/** Deletes, on close, every resource created through the backend (computes first, so networks and volumes are free). */
function cleaningUp(backend: Backend): Backend {
  const made: { c: Credentials; kind: ResourceKindTerm; id: string }[] = [];
  const order: ResourceKindTerm[] = ['compute', 'network', 'storage'];
  return Object.assign(Object.create(backend) as Backend, {
    async createResource(c: Credentials, spec: ResourceSpec): Promise<ResourceRecord> {
      const r = await backend.createResource(c, spec);
      made.push({ c, kind: r.kind, id: r.id });
      return r;
    },
    async close(): Promise<void> {
      for (const kind of order) {
        await Promise.all(
          made
            .filter((m) => m.kind === kind)
            .map((m) => backend.delete(m.c, m.kind, m.id).catch(() => undefined)),
        );
        if (kind === 'compute') await new Promise((r) => setTimeout(r, 2000));
      }
      await backend.close();
    },
  });
}

if (!demo || !alt) {
  it('OpenStack backend contract', (t) => {
    t.skip(SKIP_MESSAGE);
  });
} else {
  backendContract('openstack (real cloud)', async () => {
    const [a, b] = await Promise.all([passwordToken(demo), passwordToken(alt)]);
    const backend = cleaningUp(openOpenStackBackend({ keystoneUrl: demo.authUrl, timeoutMs: 30_000 }));
    return {
      backend,
      alice: await backend.authenticate({ token: a.token }),
      bob: await backend.authenticate({ token: b.token }),
      settle: () => new Promise((r) => setTimeout(r, 1000)),
      // openstack-lite's fake Cinder driver fails every extend (status error_extending);
      // the backend's extend is covered against the fake cloud in fake-openstack.test.ts.
      cannot: process.env.SNF_OCCI_TEST_CINDER_EXTENDS === '1' ? {} : { resizeStorage: 'the fake Cinder driver of openstack-lite cannot extend volumes (set SNF_OCCI_TEST_CINDER_EXTENDS=1 on a cloud that can)' },
    };
  });
}
