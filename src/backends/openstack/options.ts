// Configuration of the OpenStack backend, with the defaults filled in once.

export type IdentityVersion = 'v3' | 'v2.0' | 'auto';
export type DialectName = 'openstack' | 'synnefo';
export type EndpointInterface = 'public' | 'internal';
/** The Synnefo releases the dialect knows; `auto` detects what it can (keypairs) and takes the safe way for the rest. */
export const SYNNEFO_RELEASES = ['0.16', '0.17', '0.18', '0.19', '0.20'] as const;
export type SynnefoRelease = (typeof SYNNEFO_RELEASES)[number] | 'auto';

export interface OpenStackOptions {
  /** Keystone (or Astakos identity) base URL, with or without a trailing /v3 or /v2.0. */
  keystoneUrl: string;
  identityVersion?: IdentityVersion;
  dialect?: DialectName;
  /** Catalog region; the first endpoint of a service is used when absent. */
  region?: string;
  interface?: EndpointInterface;
  /** Per-call timeout of every cloud request (default 30 s). */
  timeoutMs?: number;
  /** PEM file with extra trusted CAs for TLS to the cloud. */
  caFile?: string;
  /** Skip TLS certificate verification (test clouds only). */
  insecure?: boolean;
  /** How long image/flavor templates are cached per project (default 30 s). */
  templateTtlMs?: number;
  /** How long a project's security groups are cached (default 5 s: groups made through Neutron show up soon). */
  securityGroupTtlMs?: number;
  /** Volume type for new volumes (Synnefo requires one: a detachable, ext_* type is picked when absent). */
  volumeType?: string;
  /** The Synnefo release behind the catalog (dialect synnefo), default auto. */
  synnefoRelease?: SynnefoRelease;
  /** Upper bound of cached validated tokens (default 1000). */
  tokenCacheSize?: number;
}

export interface ResolvedOptions {
  keystoneUrl: string;
  identityVersion: IdentityVersion;
  dialect: DialectName;
  region: string | undefined;
  interface: EndpointInterface;
  timeoutMs: number;
  caFile: string | undefined;
  insecure: boolean;
  templateTtlMs: number;
  securityGroupTtlMs: number;
  volumeType: string | undefined;
  synnefoRelease: SynnefoRelease;
  tokenCacheSize: number;
}

export function resolveOptions(o: OpenStackOptions): ResolvedOptions {
  if (!/^https?:\/\//.test(o.keystoneUrl)) throw new Error(`keystoneUrl must be an http(s) URL, got '${o.keystoneUrl}'`);
  return {
    keystoneUrl: o.keystoneUrl.replace(/\/+$/, ''),
    identityVersion: o.identityVersion ?? 'auto',
    dialect: o.dialect ?? 'openstack',
    region: o.region,
    interface: o.interface ?? 'public',
    timeoutMs: o.timeoutMs ?? 30_000,
    caFile: o.caFile,
    insecure: o.insecure ?? false,
    templateTtlMs: o.templateTtlMs ?? 30_000,
    securityGroupTtlMs: o.securityGroupTtlMs ?? 5_000,
    volumeType: o.volumeType,
    synnefoRelease: o.synnefoRelease ?? 'auto',
    tokenCacheSize: o.tokenCacheSize ?? 1000,
  };
}
