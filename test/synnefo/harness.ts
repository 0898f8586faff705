// The OpenStack backend in the Synnefo dialect on a stand-in of one release,
// with the helpers the Synnefo tests share.
import type { Backend, Credentials, LinkSpec, ResourceRecord } from '../../src/port/backend.js';
import { openOpenStackBackend, type OpenStackOptions } from '../../src/backends/openstack/index.js';
import type { Mixin } from '../../src/model/category.js';
import { startStandin, type Release, type Standin } from './standin/index.js';
import type { WorldOptions } from './standin/world.js';

type ComputeOptions = { size?: string; attributes?: Record<string, string>; links?: LinkSpec[]; c?: Credentials };

export interface Harness {
  standin: Standin;
  backend: Backend;
  alice: Credentials;
  os(term: string): Promise<Mixin>;
  size(term: string): Promise<Mixin>;
  compute(o?: ComputeOptions): Promise<ResourceRecord>;
  /** A compute made as `compute` makes it (the record its create answered), once Cyclades shows it running. */
  running(o?: ComputeOptions): Promise<ResourceRecord>;
  close(): Promise<void>;
}

export const DEBIAN = 'Debian_Base';
export const DRBD = 'C1R1024D20drbd';
export const ARCHIPELAGO = 'C1R1024D20archipelago';
export const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host';

export async function harness(release: Release, o: { world?: Partial<WorldOptions>; backend?: Partial<OpenStackOptions>; keystoneUrl?: (s: Standin) => string } = {}): Promise<Harness> {
  const standin = await startStandin({ release, ...o.world });
  const backend = openOpenStackBackend({ keystoneUrl: o.keystoneUrl ? o.keystoneUrl(standin) : standin.identityUrl, dialect: 'synnefo', timeoutMs: 5_000, ...o.backend });
  const alice = await backend.authenticate({ token: 'alice-snf-token' });
  const find = async (kind: 'os' | 'resource', term: string): Promise<Mixin> => {
    const m = (await backend.providerMixins(alice))[kind].find((x) => x.term === term);
    if (!m) throw new Error(`no ${kind} template ${term}`);
    return m;
  };
  const h: Harness = {
    standin,
    backend,
    alice,
    os: (t) => find('os', t),
    size: (t) => find('resource', t),
    compute: async (c = {}) =>
      backend.createResource(c.c ?? alice, {
        kind: 'compute',
        mixins: [await h.os(DEBIAN), await h.size(c.size ?? ARCHIPELAGO)],
        attributes: { 'occi.core.title': 'vm', ...c.attributes },
        links: c.links ?? [],
      }),
    running: async (c = {}) => {
      const vm = await h.compute(c);
      await eventually(() => backend.get(c.c ?? alice, 'compute', vm.id), (r) => r?.attributes['occi.compute.state'] === 'active');
      return vm;
    },
    close: async () => {
      await backend.close();
      await standin.close();
    },
  };
  return h;
}

export const nic = (network: string, attributes: Record<string, string> = {}): LinkSpec => ({
  kind: 'networkinterface',
  target: { kind: 'network', id: network },
  mixins: [],
  attributes,
});

/** How many times the server was read after the first action POSTed since request `from`: how long a wait kept asking. */
export function readsAfterAction(standin: Standin, from: number, serverId: string): number {
  const action = standin.requests.findIndex((r, i) => i >= from && r.method === 'POST' && r.path.endsWith('/action'));
  return standin.requests.slice(action).filter((r) => r.method === 'GET' && r.path.split('?')[0]!.endsWith(`/servers/${serverId}`)).length;
}

/** Polls `read` until `done`, failing with the last value seen after `ms`. */
export async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 3_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms; last seen: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
