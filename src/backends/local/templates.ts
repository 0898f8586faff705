// The embedded cloud's templates: flavors (resource templates) and images (OS
// templates), built once into immutable mixins. Public images are seen by all;
// an image saved from a compute is seen by its tenant only.
import { randomUUID } from 'node:crypto';
import { badRequest, conflict } from '../../errors.js';
import type { Mixin } from '../../model/category.js';
import { typeId } from '../../model/category.js';
import { osTemplate, resourceTemplate, toTerm } from '../../model/templates.js';
import type { ProviderMixins } from '../../port/backend.js';
import type { Db } from './database.js';

export interface Flavor {
  id: string;
  term: string;
  cores: number;
  ramMiB: number;
  diskGB: number;
  mixin: Mixin;
  typeId: string;
}

export interface Image {
  id: string;
  /** null for a public image. */
  tenant: string | null;
  term: string;
  title: string;
  architecture: 'x86' | 'x64';
  mixin: Mixin;
  typeId: string;
}

interface FlavorRow {
  id: string;
  term: string;
  cores: number;
  ram_mib: number;
  disk_gb: number;
}

interface ImageRow {
  id: string;
  tenant: string | null;
  term: string;
  title: string;
  architecture: 'x86' | 'x64';
}

function toFlavor(r: FlavorRow): Flavor {
  const mixin = resourceTemplate({ id: r.id, term: r.term, cores: r.cores, ramMiB: r.ram_mib, diskGB: r.disk_gb });
  return { id: r.id, term: r.term, cores: r.cores, ramMiB: r.ram_mib, diskGB: r.disk_gb, mixin, typeId: typeId(mixin) };
}

function toImage(r: ImageRow): Image {
  const mixin = osTemplate({ id: r.id, term: r.term, title: r.title, architecture: r.architecture });
  return { ...r, mixin, typeId: typeId(mixin) };
}

/** Whether a flavor offers at least the cores and memory (GiB) asked for. */
const fits = (f: Flavor, cores: number | undefined, memoryGiB: number | undefined): boolean =>
  (cores === undefined || f.cores >= cores) && (memoryGiB === undefined || f.ramMiB >= memoryGiB * 1024 - 1e-9);

export class Catalogue {
  /** Smallest first: by cores, then RAM, then disk. */
  private readonly flavors: Flavor[];
  private readonly flavorsById: Map<string, Flavor>;
  private readonly imagesById = new Map<string, Image>();
  private readonly publicImages: Image[] = [];
  private readonly savedImages = new Map<string, Image[]>();
  private readonly mixinCache = new Map<string, ProviderMixins>();
  private readonly insertImage;
  readonly defaultImage: Image;
  readonly defaultFlavor: Flavor;

  constructor(db: Db, defaults: { os: string; resource: string }) {
    this.flavors = (db.prepare('SELECT * FROM flavors ORDER BY cores, ram_mib, disk_gb').all() as FlavorRow[]).map(toFlavor);
    this.flavorsById = new Map(this.flavors.map((f) => [f.id, f]));
    for (const row of db.prepare('SELECT * FROM images ORDER BY rowid').all() as ImageRow[]) this.remember(toImage(row));
    this.insertImage = db.prepare(
      `INSERT INTO images (id, tenant, term, title, architecture, source_compute, created_at)
       VALUES (@id, @tenant, @term, @title, @architecture, @source, @createdAt)`,
    );
    const image = this.publicImages.find((i) => i.term === defaults.os);
    const flavor = this.flavors.find((f) => f.term === defaults.resource);
    if (!image) throw new Error(`default OS template ${defaults.os} is not an image of the embedded cloud`);
    if (!flavor) throw new Error(`default resource template ${defaults.resource} is not a flavor of the embedded cloud`);
    this.defaultImage = image;
    this.defaultFlavor = flavor;
  }

  /** The image terms that `local.failingImages` names, each checked to be a public image. */
  failingImages(terms: readonly string[]): ReadonlySet<string> {
    const known = this.publicImages.map((i) => i.term);
    const unknown = terms.filter((t) => !known.includes(t));
    if (unknown.length > 0) throw new Error(`local.failingImages: ${unknown.join(', ')} is not an image of the embedded cloud (${known.join(', ')})`);
    return new Set(terms);
  }

  private remember(image: Image): void {
    this.imagesById.set(image.id, image);
    if (image.tenant === null) {
      this.publicImages.push(image);
    } else {
      const saved = this.savedImages.get(image.tenant) ?? [];
      saved.push(image);
      this.savedImages.set(image.tenant, saved);
      this.mixinCache.delete(image.tenant);
    }
  }

  private imagesFor(tenant: string): Image[] {
    return [...this.publicImages, ...(this.savedImages.get(tenant) ?? [])];
  }

  mixinsFor(tenant: string): ProviderMixins {
    let mixins = this.mixinCache.get(tenant);
    if (!mixins) {
      mixins = { os: this.imagesFor(tenant).map((i) => i.mixin), resource: this.flavors.map((f) => f.mixin), other: [] };
      this.mixinCache.set(tenant, mixins);
    }
    return mixins;
  }

  /** The image behind an OS template mixin, if this tenant may use it. */
  findImage(tenant: string, mixin: Mixin): Image | undefined {
    return this.imageByTypeId(tenant, typeId(mixin));
  }

  imageByTypeId(tenant: string, id: string): Image | undefined {
    return this.imagesFor(tenant).find((i) => i.typeId === id);
  }

  flavorByTypeId(id: string): Flavor | undefined {
    return this.flavors.find((f) => f.typeId === id);
  }

  image(tenant: string, mixin: Mixin): Image {
    const found = this.findImage(tenant, mixin);
    if (!found) throw badRequest(`unknown OS template ${typeId(mixin)}`);
    return found;
  }

  flavor(mixin: Mixin): Flavor {
    const id = typeId(mixin);
    const found = this.flavorByTypeId(id);
    if (!found) throw badRequest(`unknown resource template ${id}`);
    return found;
  }

  imageById(id: string): Image {
    const found = this.imagesById.get(id);
    if (!found) throw new Error(`image ${id} is missing from the catalogue`);
    return found;
  }

  flavorById(id: string): Flavor {
    const found = this.flavorsById.get(id);
    if (!found) throw new Error(`flavor ${id} is missing from the catalogue`);
    return found;
  }

  /** The smallest flavor with at least these cores and memory (GiB). */
  fit(cores: number | undefined, memoryGiB: number | undefined): Flavor {
    const found = this.flavors.find((f) => fits(f, cores, memoryGiB));
    if (found) return found;
    const asked = [cores !== undefined ? `occi.compute.cores=${cores}` : '', memoryGiB !== undefined ? `occi.compute.memory=${memoryGiB}` : '']
      .filter((s) => s !== '')
      .join(', ');
    throw badRequest(`no resource template offers ${asked}; the largest is ${this.flavors.at(-1)?.term}`);
  }

  /**
   * A term for an image saved by `tenant`: the requested name when it is a
   * valid term (409 when the tenant already sees that term), else
   * `<base>-snapshot-<n>` with the first free n.
   */
  saveTerm(tenant: string, name: string | undefined, base: string): string {
    const taken = new Set(this.imagesFor(tenant).map((i) => i.term));
    if (name !== undefined && name !== '' && toTerm(name, '') === name) {
      if (taken.has(name)) throw conflict(`an OS template named ${name} already exists`);
      return name;
    }
    const stem = toTerm(base, 'compute');
    for (let n = 1; ; n++) {
      const term = `${stem}-snapshot-${n}`;
      if (!taken.has(term)) return term;
    }
  }

  /**
   * Stores a new tenant-private image. Call inside the write transaction; the
   * returned `commit` makes it visible once the transaction has succeeded.
   */
  addImage(
    tenant: string,
    spec: { term: string; title: string; architecture: 'x86' | 'x64'; source: string; createdAt: number },
  ): { image: Image; commit: () => void } {
    const image = toImage({ id: randomUUID(), tenant, term: spec.term, title: spec.title, architecture: spec.architecture });
    this.insertImage.run({ ...spec, id: image.id, tenant });
    return { image, commit: () => this.remember(image) };
  }
}
