// The OpenStack backend: the port's calls dispatched by kind to the services.
// Every call validates the caller's token (cached), builds the caller's view
// of the cloud and speaks to it with the caller's own token.
import type {
  ActionOutcome,
  Attributes,
  AuthRequest,
  Backend,
  Credentials,
  EntityKindTerm,
  EntityRecord,
  EntityRef,
  IssuedToken,
  LinkRecord,
  PasswordLogin,
  LinkSpec,
  Listing,
  ListQuery,
  ProviderMixins,
  ReadPurpose,
  RecordQuery,
  ResourceRecord,
  ResourceSpec,
  UpdateSpec,
} from '../../port/backend.js';
import { isLinkRecord } from '../../port/backend.js';
import { badRequest, OcciError, unauthorized } from '../../errors.js';
import type { Action, Mixin } from '../../model/category.js';
import { deleteProviderMixins } from './services/mixin-deletion.js';
import type { Cloud, Connector } from './cloud.js';
import type { Dialect } from './dialect.js';
import { OPENSTACK_LIFECYCLE } from './mapping/status.js';
import { computeAction, readCompute, readForAction } from './services/compute-actions.js';
import { createCompute, deleteCompute, type ComputeDeps } from './services/compute-create.js';
import type { ComputeReader } from './services/compute-read.js';
import { updateCompute } from './services/compute-update.js';
import type { Identity } from './clients/keystone.js';
import type { LinkService } from './services/link-service.js';
import { createNetwork, deleteNetwork, getNetwork, networkAction, updateNetwork } from './services/network-service.js';
import { createStorage, deleteStorage, getStorage, updateStorage, type StorageDeps } from './services/storage-service.js';
import { storageAction } from './services/storage-actions.js';
import { listKind } from './services/listing.js';
import { SNAPSHOT_TPL } from './mapping/snapshots.js';
import type { TemplateCache } from './caches/template-cache.js';
import type { ZoneGroupCache } from './caches/zone-group-cache.js';

export interface BackendParts {
  dialect: Dialect;
  identity: Identity;
  connector: Connector;
  templates: TemplateCache;
  zonesGroups: ZoneGroupCache;
  reader: ComputeReader;
  links: LinkService;
  compute: ComputeDeps;
  storage: StorageDeps;
  /** Ends the kept-alive connections to the cloud. */
  closeConnections: () => Promise<void>;
}

export class OpenStackBackend implements Backend {
  readonly name = 'openstack';
  readonly authChallenge: string;
  readonly lifecycle = OPENSTACK_LIFECYCLE;
  /** Keystone's password sign-in; absent on Synnefo, whose Astakos gives tokens on its own web pages only. */
  readonly issueToken?: (login: PasswordLogin) => Promise<IssuedToken>;

  constructor(private readonly p: BackendParts) {
    this.authChallenge = p.identity.challenge;
    if (p.dialect.name !== 'synnefo') this.issueToken = (login) => p.identity.issue(login);
  }

  async authenticate(req: AuthRequest): Promise<Credentials> {
    if (req.token === undefined || req.token === '') {
      throw unauthorized('no token: send a Keystone token in X-Auth-Token', this.authChallenge);
    }
    const session = await this.p.identity.session(req.token, req.project, req.digest);
    this.p.dialect.checkProject(req.project, session);
    return { token: req.token, tenant: session.projectId, ...(req.project !== undefined ? { project: req.project } : {}) };
  }

  /** Ready while the identity service answers (any answer below 500): every request starts there. */
  async readiness(): Promise<string | undefined> {
    return this.p.identity.unreachable();
  }

  providerMixins(c: Credentials): Promise<ProviderMixins> {
    return this.run(c, async (cloud) => {
      const [index, { zones, groups }, snapshots] = await Promise.all([
        this.p.templates.index(cloud),
        this.p.zonesGroups.get(cloud),
        this.p.storage.snapshots.index(cloud),
      ]);
      const family = cloud.dialect.snapshotTemplates && cloud.hasCinder ? [SNAPSHOT_TPL, ...snapshots.mixins] : [];
      return { os: index.os, resource: index.resource, other: [...zones.mixins, ...groups.mixins, ...family] };
    });
  }

  /** Pages with the services' own `limit`/`marker` in id order, and refs from the cheap listings (services/listing.ts). */
  list(c: Credentials, q: RecordQuery): Promise<Listing<EntityRecord>>;
  list(c: Credentials, q: ListQuery): Promise<Listing<EntityRef>>;
  list(c: Credentials, q: ListQuery): Promise<Listing<EntityRef>> {
    return this.run(c, (cloud) => listKind(cloud, q, { reader: this.p.reader, links: this.p.links, storage: this.p.storage }));
  }

  get(c: Credentials, kind: EntityKindTerm, id: string, purpose?: ReadPurpose): Promise<EntityRecord | undefined> {
    return this.run(c, async (cloud) => {
      switch (kind) {
        case 'compute':
          return purpose ? readForAction(cloud, id, purpose.action, this.p.compute) : readCompute(cloud, id, this.p.compute);
        case 'network':
          return getNetwork(cloud, id);
        case 'storage':
          return getStorage(cloud, id, this.p.storage);
        default:
          return this.p.links.get(cloud, kind, id);
      }
    });
  }

  createResource(c: Credentials, spec: ResourceSpec): Promise<ResourceRecord> {
    return this.run(c, async (cloud) => {
      switch (spec.kind) {
        case 'compute':
          return createCompute(cloud, spec, this.p.compute);
        case 'network':
          return createNetwork(cloud, spec);
        case 'storage':
          return createStorage(cloud, spec, this.p.storage);
      }
    });
  }

  createLink(c: Credentials, spec: LinkSpec & { source: EntityRef }): Promise<LinkRecord> {
    return this.run(c, (cloud) => this.p.links.create(cloud, spec));
  }

  update(c: Credentials, kind: EntityKindTerm, id: string, spec: UpdateSpec, current?: EntityRecord): Promise<EntityRecord> {
    return this.run(c, async (cloud) => {
      switch (kind) {
        case 'compute':
          return updateCompute(cloud, id, spec, this.p.compute, current);
        case 'network':
          return updateNetwork(cloud, id, spec, current);
        case 'storage':
          return updateStorage(cloud, id, spec, this.p.storage, current);
        default:
          return this.p.links.update(cloud, kind, id, spec, linkOf(current, kind, id));
      }
    });
  }

  delete(c: Credentials, kind: EntityKindTerm, id: string, current?: EntityRecord): Promise<void> {
    return this.run(c, async (cloud) => {
      switch (kind) {
        case 'compute':
          return deleteCompute(cloud, id, this.p.compute, current);
        case 'network':
          return deleteNetwork(cloud, id, current);
        case 'storage':
          return deleteStorage(cloud, id, this.p.storage, current);
        default:
          return this.p.links.delete(cloud, kind, id, linkOf(current, kind, id));
      }
    });
  }

  action(c: Credentials, kind: EntityKindTerm, id: string, action: Action, params: Attributes, current?: EntityRecord): Promise<ActionOutcome> {
    return this.run(c, async (cloud) => {
      switch (kind) {
        case 'compute':
          return computeAction(cloud, id, action, params, this.p.compute, current);
        case 'network':
          return networkAction(cloud, id, action, current);
        case 'storage':
          return storageAction(cloud, id, action, params, this.p.storage, current);
        default:
          throw badRequest(`a ${kind} has no actions: it follows the compute it belongs to`); // spec §2.5, §2.6
      }
    });
  }

  deleteMixins(c: Credentials, mixins: readonly Mixin[]): Promise<void> {
    return this.run(c, (cloud) => deleteProviderMixins(cloud, mixins, { templates: this.p.templates, snapshots: this.p.storage.snapshots, timeoutMs: this.p.storage.timeoutMs }));
  }

  async close(): Promise<void> {
    this.p.identity.close();
    this.p.templates.clear();
    this.p.zonesGroups.clear();
    this.p.storage.snapshots.clear();
    this.p.compute.recent.clear();
    await this.p.closeConnections();
  }

  /** Runs `f` on the caller's cloud; a 401 from a service drops the cached session, so the next call re-validates. */
  private async run<T>(c: Credentials, f: (cloud: Cloud) => Promise<T>): Promise<T> {
    try {
      return await f(await this.p.connector.connect(c));
    } catch (err) {
      if (err instanceof OcciError && err.status === 401) this.p.identity.forget(c.token);
      throw err;
    }
  }
}

/** A link record as the request read it, when it is this link. */
function linkOf(r: EntityRecord | undefined, kind: EntityKindTerm, id: string): LinkRecord | undefined {
  return r && isLinkRecord(r) && r.kind === kind && r.id === id ? r : undefined;
}
