// Computes of the embedded cloud. Size and OS come from a flavor and an image
// (the resource_tpl wins over client cores/memory, D14); a new compute is
// inactive, building, for bootMs, then active (or error, for an image named in
// local.failingImages; D36). Actions take actionMs, refused
// with 409 where the state machine forbids them. Inline links are created in
// the same transaction as the compute.
import { badRequest, forbidden, notFound } from '../../errors.js';
import type { Action, Mixin } from '../../model/category.js';
import { typeId } from '../../model/category.js';
import { COMPUTE, SSH_KEY, USER_DATA } from '../../model/infrastructure.js';
import { isOsTemplate, isResourceTemplate } from '../../model/templates.js';
import type { ActionOutcome, Attributes, ResourceRecord, ResourceSpec, UpdateSpec } from '../../port/backend.js';
import { assertApplicable, enumParam, kindAction } from './actions.js';
import { nextValue, optInteger, optNumber, optString, realChanges } from './attributes.js';
import { Clocked, type Transition, assertAtRest, initialClock } from './clock.js';
import { COLUMNS, ComputeRecords, PUBLIC_KEY, USER_DATA_ATTR, type ComputeRow } from './compute-records.js';
import type { Context, ResourceStore } from './context.js';
import type { Links } from './links.js';
import type { ListingSpec } from './listing.js';
import type { Catalogue, Flavor, Image } from './templates.js';

const SSH_KEY_ID = typeId(SSH_KEY);
const USER_DATA_ID = typeId(USER_DATA);
/** ssh_key and user_data: given at creation only (D19). */
const isWriteOnce = (m: Mixin): boolean => typeId(m) === SSH_KEY_ID || typeId(m) === USER_DATA_ID;

/** A host name derived from a title: lowercase letters, digits and dashes. */
function hostnameFrom(title: string | undefined): string | null {
  const name = title?.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') ?? '';
  return name === '' ? null : name;
}

/** The template mixins of a request, at most one of each sort. */
function templates(mixins: readonly Mixin[]): { os?: Mixin; resource?: Mixin } {
  const os = mixins.filter(isOsTemplate);
  const resource = mixins.filter(isResourceTemplate);
  if (os.length > 1) throw badRequest(`a compute takes one OS template; got ${os.map(typeId).join(', ')}`);
  if (resource.length > 1) throw badRequest(`a compute takes one resource template; got ${resource.map(typeId).join(', ')}`);
  const unknown = mixins.find((m) => m.origin === 'provider' && !isOsTemplate(m) && !isResourceTemplate(m));
  if (unknown) throw badRequest(`mixin ${typeId(unknown)} is not offered by the embedded cloud`);
  return { os: os[0], resource: resource[0] };
}

export class Computes implements ResourceStore {
  private readonly clocked: Clocked;
  private readonly catalogue: Catalogue;
  readonly listing: ListingSpec;
  private readonly records: ComputeRecords;
  private readonly selectOne;
  private readonly insert;
  private readonly write;
  private readonly remove;

  constructor(
    private readonly ctx: Context,
    private readonly links: Links,
  ) {
    const db = ctx.db;
    this.catalogue = ctx.catalogue;
    this.clocked = new Clocked(db, 'computes', ctx.clock);
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM computes c WHERE c.id = @id AND c.tenant = @tenant`);
    this.records = new ComputeRecords(this.catalogue, links);
    this.listing = this.records.listing;
    this.insert = db.prepare(
      `INSERT INTO computes (id, tenant, title, summary, hostname, image_id, flavor_id, ssh_key, user_data,
         state, message, pending_state, pending_message, pending_until, created_at)
       VALUES (@id, @tenant, @title, @summary, @hostname, @image_id, @flavor_id, @ssh_key, @user_data,
         @state, @message, @pending_state, @pending_message, @pending_until, @createdAt)`,
    );
    this.write = db.prepare(
      'UPDATE computes SET title = @title, summary = @summary, hostname = @hostname, flavor_id = @flavor_id WHERE id = @id',
    );
    this.remove = db.prepare('DELETE FROM computes WHERE id = ?');
  }

  /** A compute of this tenant (sources of links are checked with it). */
  row(tenant: string, id: string): ComputeRow | undefined {
    return this.selectOne.get({ id, tenant, now: this.ctx.clock.now() }) as ComputeRow | undefined;
  }

  private existing(tenant: string, id: string): ComputeRow {
    const row = this.row(tenant, id);
    if (!row) throw notFound(`compute ${id} not found`);
    return row;
  }

  private record(row: ComputeRow): ResourceRecord {
    return this.records.toRecord(row, this.links.ofCompute(row.tenant, row.id));
  }

  get(tenant: string, id: string): ResourceRecord | undefined {
    const row = this.row(tenant, id);
    return row && this.record(row);
  }

  /**
   * The flavor a request asks for: its resource_tpl, which wins over cores and
   * memory (D14); else the smallest one with the cores/memory given (missing
   * ones taken from `floor`); else `otherwise`.
   */
  private flavorFor(resource: Mixin | undefined, a: Attributes | UpdateSpec['attributes'], otherwise: Flavor, floor?: Flavor): Flavor {
    if (resource) return this.catalogue.flavor(resource);
    const cores = optInteger(a, 'occi.compute.cores');
    const memory = optNumber(a, 'occi.compute.memory');
    if (cores === undefined && memory === undefined) return otherwise;
    return this.catalogue.fit(cores ?? floor?.cores, memory ?? (floor && floor.ramMiB / 1024));
  }

  private checkArchitecture(requested: string | undefined, image: Image): void {
    if (requested !== undefined && requested !== image.architecture) {
      throw badRequest(`occi.compute.architecture ${requested} does not match OS template ${image.term} (${image.architecture})`);
    }
  }

  create(tenant: string, spec: ResourceSpec): string {
    const a = spec.attributes;
    const tpl = templates(spec.mixins);
    const image = tpl.os ? this.catalogue.image(tenant, tpl.os) : this.catalogue.defaultImage;
    const flavor = this.flavorFor(tpl.resource, a, this.catalogue.defaultFlavor);
    this.checkArchitecture(optString(a, 'occi.compute.architecture'), image);
    const sshKey = optString(a, PUBLIC_KEY);
    const userData = optString(a, USER_DATA_ATTR);
    const given = new Set(spec.mixins.map(typeId));
    if (given.has(SSH_KEY_ID) && sshKey === undefined) throw badRequest(`${PUBLIC_KEY} is required with the ssh_key mixin`);
    if (given.has(USER_DATA_ID) && userData === undefined) throw badRequest(`${USER_DATA_ATTR} is required with the user_data mixin`);
    const title = optString(a, 'occi.core.title');
    const id = this.ctx.newId(tenant, spec.id);
    const now = this.ctx.clock.now();
    this.insert.run({
      id,
      tenant,
      title: title ?? null,
      summary: optString(a, 'occi.core.summary') ?? null,
      hostname: optString(a, 'occi.compute.hostname') ?? hostnameFrom(title),
      image_id: image.id,
      flavor_id: flavor.id,
      ssh_key: sshKey ?? null,
      user_data: userData ?? null,
      ...initialClock(now, this.ctx.failingImages.has(image.term)
        ? { state: 'inactive', during: 'building', to: 'error', after: `boot failed: image ${image.term} is set to fail (local.failingImages)`, ms: this.ctx.bootMs }
        : { state: 'inactive', during: 'building', to: 'active', after: 'running', ms: this.ctx.bootMs }),
      createdAt: now,
    });
    for (const link of spec.links) this.links.create(tenant, id, link);
    return id;
  }

  update(tenant: string, id: string, spec: UpdateSpec): ResourceRecord {
    const row = this.existing(tenant, id);
    const current = this.record(row);
    const { attributes: c, add, remove } = realChanges(current, spec);
    const image = this.catalogue.imageById(row.image_id);
    for (const m of add) {
      if (isOsTemplate(m)) throw badRequest(`the embedded cloud cannot rebuild compute ${id} with another OS template (${typeId(m)}): create a new compute from ${m.term} and delete this one`);
      if (isWriteOnce(m)) throw forbidden(`${typeId(m)} can only be given when the compute is created`);
    }
    const tpl = templates(add);
    for (const m of remove) {
      if (isOsTemplate(m)) throw badRequest(`compute ${id} cannot lose its OS template ${typeId(m)}`);
      if (isResourceTemplate(m) && !tpl.resource) throw badRequest(`compute ${id} cannot lose its resource template ${typeId(m)} without a new one`);
      if (isWriteOnce(m)) throw forbidden(`${typeId(m)} cannot be removed from a compute`);
    }
    for (const [name, value] of Object.entries(c)) {
      // Write-once values (D19): a PUT leaving them out keeps them; a new value is refused.
      if ((name === PUBLIC_KEY || name === USER_DATA_ATTR) && value !== null) throw forbidden(`${name} cannot change after creation`);
      if (!UPDATABLE.has(name) && value !== null) throw badRequest(`${name} cannot be changed on a compute`);
    }
    this.checkArchitecture(optString(c, 'occi.compute.architecture'), image);
    // Resize; asking for more cores keeps at least the memory it has, and the reverse.
    const flavorNow = this.catalogue.flavorById(row.flavor_id);
    const flavor = this.flavorFor(tpl.resource, c, flavorNow, flavorNow);
    const next: ComputeRow = {
      ...row,
      title: nextValue(c, 'occi.core.title', row.title, optString),
      summary: nextValue(c, 'occi.core.summary', row.summary, optString),
      hostname: nextValue(c, 'occi.compute.hostname', row.hostname, optString),
      flavor_id: flavor.id,
    };
    this.write.run(next);
    return this.records.toRecord(next, current.links);
  }

  delete(tenant: string, id: string): void {
    this.existing(tenant, id);
    // Links go with the compute (ON DELETE CASCADE), addresses with them; volumes say so.
    this.links.storageLinks.detachAll(id);
    this.remove.run(id);
  }

  action(tenant: string, id: string, action: Action, params: Attributes): ActionOutcome {
    const row = this.existing(tenant, id);
    const act = kindAction(COMPUTE, action);
    assertAtRest(`compute ${id}`, row);
    assertApplicable(COMPUTE, `compute ${id}`, row.state, act);
    if (act.term === 'save') return this.save(row, act, params);
    this.clocked.start(id, this.transition(act, params));
    return { entity: this.record(this.existing(tenant, id)) };
  }

  private transition(act: Action, params: Attributes): Transition {
    const ms = this.ctx.actionMs;
    switch (act.term) {
      case 'start':
        return { during: 'starting', to: 'active', after: 'running', ms };
      case 'stop': {
        const method = enumParam(act, params, 'method');
        return { during: `stopping (${method})`, to: 'inactive', after: `stopped (${method})`, ms };
      }
      case 'restart':
        return { during: `restarting (${enumParam(act, params, 'method')})`, to: 'active', after: 'running', ms };
      case 'suspend': {
        const method = enumParam(act, params, 'method');
        return { during: `suspending (${method})`, to: 'suspended', after: `suspended (${method})`, ms };
      }
      default:
        throw badRequest(`${act.term} is not an action the embedded cloud runs on a compute`);
    }
  }

  /** Snapshots the compute into a new OS template, private to its tenant. */
  private save(row: ComputeRow, act: Action, params: Attributes): ActionOutcome {
    enumParam(act, params, 'method');
    const name = optString(params, 'name');
    const base = row.title ?? row.hostname ?? `compute-${row.id.slice(0, 8)}`;
    const term = this.catalogue.saveTerm(row.tenant, name, base);
    const source = this.catalogue.imageById(row.image_id);
    const { image, commit } = this.catalogue.addImage(row.tenant, {
      term,
      title: name ?? `Snapshot of ${base}`,
      architecture: source.architecture,
      source: row.id,
      createdAt: this.ctx.clock.now(),
    });
    this.ctx.afterCommit(commit);
    this.clocked.start(row.id, {
      during: `saving as ${term}`,
      to: row.state,
      after: row.message ?? row.state,
      ms: this.ctx.actionMs,
    });
    return { mixin: image.mixin, entity: this.record(this.existing(row.tenant, row.id)) };
  }
}

/** Attributes a compute update may change (cores/memory by resizing to a fitting flavor). */
const UPDATABLE = new Set([
  'occi.core.title',
  'occi.core.summary',
  'occi.compute.hostname',
  'occi.compute.cores',
  'occi.compute.memory',
  'occi.compute.architecture',
]);
