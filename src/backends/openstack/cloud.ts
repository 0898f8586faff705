// One caller's view of the cloud for one backend call: the validated session
// and typed clients for the services the catalog offers. Building it costs no
// requests once the session and the compute microversion are cached.
import type { Credentials } from '../../port/backend.js';
import { OcciError } from '../../errors.js';
import { findEndpoint, requireEndpoint, withVersion } from './clients/catalog.js';
import { Cinder, EXTEND_IN_USE_MICROVERSION, volumeMicroversion } from './clients/cinder.js';
import type { Dialect } from './dialect.js';
import { Glance } from './clients/glance.js';
import type { JsonHttp } from './clients/http.js';
import type { Identity, Session } from './clients/keystone.js';
import { Neutron, type NeutronSubnet } from './clients/neutron.js';
import { compareMicroversions, negotiateMicroversion, Nova } from './clients/nova.js';
import type { ResolvedOptions } from './options.js';
import type { SubnetCache } from './caches/subnet-cache.js';
import { BoundedCache } from './caches/cache.js';

/** How long a probed capability of an endpoint is trusted (an upgrade changes it). */
const CAPABILITY_TTL_MS = 10 * 60_000;
/** How long Nova may take to show a new floating IP in a server's addresses (Neutron notifies it every 2 s by default). */
const FLOATING_LAG_MS = 60_000;

export class Cloud {
  constructor(
    readonly session: Session,
    readonly dialect: Dialect,
    readonly nova: Nova,
    private readonly neutronClient: Neutron | undefined,
    private readonly cinderClient: Cinder | undefined,
    readonly glance: Glance | undefined,
    /** The project that new resources are charged to. */
    readonly project: string,
    /** Compute microversion in use (undefined for Synnefo). */
    readonly microversion: string | undefined,
    private readonly subnetCache: SubnetCache,
    private readonly capabilities: BoundedCache<boolean>,
    /** The newest block-storage microversion (negotiated once per endpoint); undefined without one. */
    private readonly volumeVersion: () => Promise<string | undefined> = () => Promise.resolve(undefined),
    private readonly floatingChanges: BoundedCache<boolean> = new BoundedCache(1),
  ) {}

  /**
   * Notes that the bridge gave a server a floating IP: Nova's addresses,
   * which tell reads whether to look for floating IPs, show it only a few
   * seconds later, so until then reads look anyway.
   */
  floatingIpAdded(serverId: string): void {
    this.floatingChanges.set(`${this.nova.base}|${serverId}`, true, FLOATING_LAG_MS);
  }

  floatingIpAddedLately(serverId: string): boolean {
    return this.floatingChanges.get(`${this.nova.base}|${serverId}`) === true;
  }

  /**
   * The microversion to send with an extend of an attached volume, or
   * undefined when this cloud's block storage extends detached volumes only.
   */
  async extendInUseMicroversion(): Promise<string | undefined> {
    const max = await this.volumeVersion();
    return max !== undefined && compareMicroversions(max, EXTEND_IN_USE_MICROVERSION) >= 0 ? EXTEND_IN_USE_MICROVERSION : undefined;
  }

  /** Whether a public key can go in as a Nova keypair (key_name), or must be written as a file. */
  keypairsSupported(): Promise<boolean> {
    const mode = this.dialect.contextualization.keys;
    if (mode !== 'probe') return Promise.resolve(mode === 'keypair');
    return this.capabilities.getOrLoad(`keypairs|${this.nova.base}`, () => this.nova.hasKeypairs(), () => CAPABILITY_TTL_MS);
  }

  /** The subnets this project sees (briefly cached; none without Neutron or when it refuses the listing). */
  subnets(): Promise<NeutronSubnet[]> {
    const neutron = this.neutronClient;
    if (!neutron) return Promise.resolve([]);
    return this.subnetCache.get(this.networkScopeKey, () => neutron.listSubnets());
  }

  /** To call after changing a subnet, so the next read sees the change. */
  forgetSubnets(): void {
    this.subnetCache.forget(this.networkScopeKey);
  }

  private get networkScopeKey(): string {
    return `${this.session.projectId}|${this.neutronClient?.base ?? ''}`;
  }

  get neutron(): Neutron {
    if (!this.neutronClient) throw new OcciError(503, "the cloud's catalog has no network endpoint");
    return this.neutronClient;
  }

  get hasNeutron(): boolean {
    return this.neutronClient !== undefined;
  }

  get cinder(): Cinder {
    if (!this.cinderClient) throw new OcciError(503, "the cloud's catalog has no block-storage endpoint");
    return this.cinderClient;
  }

  get hasCinder(): boolean {
    return this.cinderClient !== undefined;
  }

  /** Cache key of what this project sees at this compute endpoint. */
  get scopeKey(): string {
    return `${this.session.projectId}|${this.nova.base}`;
  }
}

/** A failed look at a version document is not repeated for this long. */
const FAILED_PROBE_MS = 60_000;

export class Connector {
  private readonly microversions = new Map<string, Promise<string>>();
  private readonly capabilities = new BoundedCache<boolean>(100);
  private readonly volumeVersions = new BoundedCache<{ max: string | undefined }>(100);
  private readonly floatingChanges = new BoundedCache<boolean>(10_000);

  constructor(
    private readonly http: JsonHttp,
    private readonly identity: Identity,
    private readonly dialect: Dialect,
    private readonly o: ResolvedOptions,
    private readonly subnetCache: SubnetCache,
  ) {}

  async connect(c: Credentials): Promise<Cloud> {
    const session = await this.identity.session(c.token, c.project);
    const where = { region: this.o.region, interface: this.o.interface };
    const computeUrl = requireEndpoint(session.catalog, 'compute', where);
    const microversion = this.dialect.microversions ? await this.microversion(computeUrl, session.token) : undefined;
    const networkUrl = findEndpoint(session.catalog, 'network', where);
    const volumeUrl = findEndpoint(session.catalog, 'blockStorage', where);
    const imageUrl = findEndpoint(session.catalog, 'image', where);
    const token = session.token;
    return new Cloud(
      session,
      this.dialect,
      new Nova(this.http, computeUrl, token, microversion, this.dialect.serverGone),
      networkUrl ? new Neutron(this.http, withVersion(networkUrl, 'v2.0'), token, this.dialect.networkGone) : undefined,
      volumeUrl ? new Cinder(this.http, volumeUrl, token, this.dialect.volumeGone) : undefined,
      imageUrl && this.dialect.images === 'glance' ? new Glance(this.http, withVersion(imageUrl, 'v2'), token) : undefined,
      c.project ?? session.projectId,
      microversion,
      this.subnetCache,
      this.capabilities,
      () => (volumeUrl && this.dialect.volumeMicroversions ? this.volumeVersion(volumeUrl, token) : Promise.resolve(undefined)),
      this.floatingChanges,
    );
  }

  /** The block-storage version document, read once per endpoint root (a failure counts as none, briefly). */
  private async volumeVersion(volumeUrl: string, token: string): Promise<string | undefined> {
    const root = volumeUrl.replace(/\/v3\/.*$/, '/v3');
    const found = await this.volumeVersions.getOrLoad(
      root,
      () => volumeMicroversion(this.http, volumeUrl, token).then((max) => ({ max }), () => ({ max: undefined, failed: true })),
      (v) => ('failed' in v ? FAILED_PROBE_MS : CAPABILITY_TTL_MS),
    );
    return found.max;
  }

  /** Negotiated once per compute endpoint; a failed negotiation is retried next time. */
  private microversion(computeUrl: string, token: string): Promise<string> {
    let p = this.microversions.get(computeUrl);
    if (!p) {
      p = negotiateMicroversion(this.http, computeUrl, token);
      p.catch(() => this.microversions.delete(computeUrl));
      this.microversions.set(computeUrl, p);
    }
    return p;
  }
}
