// An snf-occi test server on the OpenStack backend of a real cloud, and the
// facts about that cloud the HTTP-level tests share.
import { entityPath, startServer, type TestServer } from '../helpers/server.js';
import type { OsAccount } from './os-env.js';

/** A server whose requests may wait on the cloud (boots, detaches) well past the default deadline. */
export function startOnOpenStack(account: OsAccount): Promise<TestServer> {
  return startServer((c) => {
    c.backend = 'openstack';
    c.openstack.keystoneUrl = account.authUrl;
    c.limits.requestTimeoutMs = 120_000;
  });
}

/** The path of openstack-lite's `shared` network, as snf-occi lists it. */
export async function sharedNetworkPath(s: TestServer, token: string): Promise<string> {
  const nets = await s.request('GET', '/network/', { token, headers: { Accept: 'application/occi+json' } });
  const shared = (nets.json().resources as Array<{ title?: string; kind: string; id: string }>).find((n) => n.title === 'shared');
  if (!shared) throw new Error('the cloud has no network called shared');
  return entityPath(shared);
}
