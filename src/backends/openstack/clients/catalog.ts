// The service catalog, normalised from Keystone v3 and v2.0 (Astakos) shapes,
// and endpoint selection by service type, region and interface.
import { OcciError } from '../../../errors.js';
import type { EndpointInterface } from '../options.js';

export interface Endpoint {
  type: string;
  interface: string;
  region: string | undefined;
  url: string;
  /** The API version the endpoint serves (Keystone v2.0 and Astakos catalogs). */
  versionId?: string;
}

interface V3Service {
  type?: string;
  endpoints?: { interface?: string; region?: string; region_id?: string; url?: string }[];
}

interface V2Service {
  type?: string;
  endpoints?: { region?: string; publicURL?: string; internalURL?: string; adminURL?: string; versionId?: string }[];
}

export function catalogFromV3(services: readonly V3Service[] | undefined): Endpoint[] {
  return (services ?? []).flatMap((s) =>
    (s.endpoints ?? [])
      .filter((e) => typeof e.url === 'string' && typeof s.type === 'string')
      .map((e) => ({ type: s.type as string, interface: e.interface ?? 'public', region: e.region_id ?? e.region, url: e.url as string })),
  );
}

const V2_INTERFACES = [
  ['public', 'publicURL'],
  ['internal', 'internalURL'],
  ['admin', 'adminURL'],
] as const;

export function catalogFromV2(services: readonly V2Service[] | undefined): Endpoint[] {
  return (services ?? []).flatMap((s) =>
    (s.endpoints ?? []).flatMap((e) =>
      V2_INTERFACES.flatMap(([iface, key]) => {
        const url = e[key];
        return typeof url === 'string' && typeof s.type === 'string'
          ? [{ type: s.type, interface: iface, region: e.region, url, ...(typeof e.versionId === 'string' && e.versionId !== '' ? { versionId: e.versionId } : {}) }]
          : [];
      }),
    ),
  );
}

/** Service types per role, in order of preference. */
export const SERVICE_TYPES = {
  compute: ['compute'],
  image: ['image'],
  network: ['network'],
  blockStorage: ['block-storage', 'volumev3', 'volumev2', 'volume'],
} as const;

export type ServiceRole = keyof typeof SERVICE_TYPES;

export function findEndpoint(
  catalog: readonly Endpoint[],
  role: ServiceRole,
  o: { region: string | undefined; interface: EndpointInterface },
): string | undefined {
  for (const type of SERVICE_TYPES[role]) {
    const hit = catalog.find(
      (e) => e.type === type && e.interface === o.interface && (o.region === undefined || e.region === o.region),
    );
    if (hit) return versioned(hit);
  }
  return undefined;
}

/**
 * The endpoint's URL with its version: Synnefo 0.19 and later register the
 * image, network and volume endpoints without it (SNF:exposeVersion false)
 * and their clients append the versionId the catalog gives, as done here. A
 * URL that already names a version is left alone.
 */
function versioned(e: Endpoint): string {
  const url = e.url.replace(/\/+$/, '');
  if (e.versionId === undefined || /\/v\d+(\.\d+)?(\/|$)/.test(url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''))) return url;
  return `${url}/${e.versionId}`;
}

export function requireEndpoint(
  catalog: readonly Endpoint[],
  role: ServiceRole,
  o: { region: string | undefined; interface: EndpointInterface },
): string {
  const url = findEndpoint(catalog, role, o);
  if (url === undefined) {
    const where = `${o.interface} interface${o.region ? `, region ${o.region}` : ''}`;
    throw new OcciError(503, `the cloud's catalog has no ${SERVICE_TYPES[role].join('/')} endpoint (${where})`);
  }
  return url;
}

/** Appends the API version a catalog URL may leave out (Glance /v2, Neutron /v2.0). */
export function withVersion(url: string, version: string): string {
  return /\/v\d+(\.\d+)?$/.test(url) ? url : `${url}/${version}`;
}
