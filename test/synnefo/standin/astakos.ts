// Astakos as a Keystone v2.0 identity (snf-astakos-app/astakos/api/tokens.py
// authenticate() L63-129, keystone_urls.py `^v2.0/tokens/?$` L39, catch-all L40): POST /identity/v2.0/tokens
// with the caller's token answers who they are and the service catalog.
import { badRequest, unauthorized } from './faults.js';
import type { World } from './world.js';

/** The endpoint of one service, as Astakos registers it (synnefo/lib/services.py fill_endpoints() L21-32: publicURL = base + prefix + versionId L31). */
function endpoint(world: World, base: string, prefix: string, versionId: string, exposeVersion: boolean): Record<string, unknown> {
  const e: Record<string, unknown> = {
    versionId,
    publicURL: exposeVersion ? `${base}/${prefix}/${versionId}` : `${base}/${prefix}`,
    'SNF:uiURL': `${base}/ui`,
  };
  // A definition registered without its version says so (0.19+, docs/upgrade/upgrade-0.19.rst).
  if (!exposeVersion) e['SNF:exposeVersion'] = false;
  if (world.features.endpointRegion) e.region = 'default';
  return e;
}

/** tokens.py compute_endpoints() L34-51: every registered service, ordered as registered; SNF:uiURL and region L42-43. */
export function serviceCatalog(world: World, base: string): Record<string, unknown>[] {
  const expose = !world.features.unversionedEndpoints;
  const service = (name: string, type: string, prefix: string, version: string, exposeVersion: boolean) => ({
    name,
    type,
    endpoints: [endpoint(world, base, prefix, version, exposeVersion)],
    endpoints_links: [],
  });
  return [
    service('astakos_identity', 'identity', 'identity', 'v2.0', true),
    service('astakos_account', 'account', 'account', 'v1.0', true),
    service('cyclades_compute', 'compute', 'cyclades/compute', 'v2.0', true),
    service('cyclades_plankton', 'image', 'cyclades/image', 'v1.0', expose),
    service('cyclades_network', 'network', 'cyclades/network', 'v2.0', expose),
    service('cyclades_volume', 'volume', 'cyclades/volume', 'v2.0', expose),
    service('pithos_object-store', 'object-store', 'pithos/object-store', 'v1', true),
  ];
}

/** POST …/v2.0/tokens: the token (or username + token as password, L78-85) identifies the user (L94-103); tenantName must be the user's UUID (L105-107). */
export function authenticate(world: World, base: string, body: unknown): Record<string, unknown> {
  // Public mode (catalog only) is a request without a body (L67-75); a body without credentials is a 400 (L78-87).
  if (body === undefined) return { access: { serviceCatalog: serviceCatalog(world, base) } };
  const auth = (body as { auth?: Record<string, any> } | null)?.auth;
  const tokenId: unknown = auth?.token?.id ?? auth?.passwordCredentials?.password;
  if (typeof tokenId !== 'string') throw badRequest('Malformed request: missing credentials');
  const user = world.userByToken(tokenId);
  if (!user) throw unauthorized('Invalid token');
  const username: unknown = auth?.passwordCredentials?.username;
  if (username !== undefined && username !== user.uuid) throw unauthorized('Invalid credentials');
  const tenant: unknown = auth?.tenantName;
  if (tenant && tenant !== user.uuid) throw badRequest('Not conforming tenantName');
  const expires = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
  const userDoc: Record<string, unknown> = { id: user.uuid, name: user.name, roles: [{ id: '1', name: 'default' }], roles_links: [] };
  if (world.features.tokenProjects) userDoc.projects = [...user.projects];
  return {
    access: {
      token: { id: user.token, expires, tenant: { id: user.uuid, name: user.name } },
      user: userDoc,
      serviceCatalog: serviceCatalog(world, base),
    },
  };
}

/** GET on the identity root: the version list of keystone_versions.py (0.20; VERSIONS L28-33, versions_list() L51-56); earlier Astakos has no such view. */
export function identityRoot(world: World, base: string): Record<string, unknown> | undefined {
  if (!world.features.identityVersions) return undefined;
  const version = { id: 'v2.0', status: 'CURRENT', updated: '2014-04-17T00:00:00Z', links: [{ rel: 'self', href: `${base}/identity/v2.0/` }] };
  return { versions: { values: [version] } };
}
