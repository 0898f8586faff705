// Images → OS templates and flavors → resource templates, plus the index the
// compute mapping uses to name a server's templates. Terms are the cloud's
// names (made grammar-safe); names shared by several images or flavors get
// the id appended, so every term stays unique.
import { typeId, type Mixin } from '../../../model/category.js';
import { osTemplate, resourceTemplate, toTerm } from '../../../model/templates.js';
import type { GlanceImage } from '../clients/glance.js';
import type { ComputeImage, Id, NovaFlavor } from '../clients/nova.js';

export interface ImageInfo {
  id: string;
  name: string;
  architecture?: 'x86' | 'x64';
  /** False while a snapshot is still being written. */
  ready?: boolean;
  /** Offered to every project (Glance visibility public or community). */
  public?: boolean;
  /** When it was made (ISO 8601), where the cloud says. */
  created?: string;
  /** Synnefo: the accounts the image has (`users` property, e.g. "root user"). */
  users?: string;
}

/** Image statuses worth offering: usable ones, and snapshots still being written (a fresh save). */
const OFFERED_IMAGE_STATUS = new Set(['active', 'queued', 'saving', 'importing', 'uploading']);

export function imageFromGlance(img: GlanceImage): ImageInfo | undefined {
  if (!OFFERED_IMAGE_STATUS.has(img.status.toLowerCase())) return undefined;
  const info: ImageInfo = {
    id: String(img.id),
    name: img.name ?? '',
    ready: img.status.toLowerCase() === 'active',
    public: img.visibility === 'public' || img.visibility === 'community',
    ...(img.created_at ? { created: img.created_at } : {}),
  };
  return withArch(info, img.architecture);
}

export function imageFromCompute(img: ComputeImage): ImageInfo | undefined {
  if (img.status !== undefined && !OFFERED_IMAGE_STATUS.has(img.status.toLowerCase())) return undefined;
  const meta = img.metadata ?? {};
  const ready = img.status === undefined || img.status.toUpperCase() === 'ACTIVE';
  const info: ImageInfo = { id: String(img.id), name: img.name, ready, ...(typeof meta.users === 'string' ? { users: meta.users } : {}) };
  return withArch(info, meta.architecture);
}

function withArch(info: ImageInfo, arch: string | undefined): ImageInfo {
  const a = architecture(arch);
  return a ? { ...info, architecture: a } : info;
}

/** Glance's architecture property (x86_64, i686 …) → occi.compute.architecture. */
export function architecture(arch: string | undefined): 'x86' | 'x64' | undefined {
  if (!arch) return undefined;
  const a = arch.toLowerCase();
  if (['x86_64', 'amd64', 'x64'].includes(a)) return 'x64';
  if (['i386', 'i486', 'i586', 'i686', 'x86'].includes(a)) return 'x86';
  return undefined;
}

/**
 * A unique term per item: its name when no other item shares it, else
 * name_id. With `precedence`, the first item of a shared name (by that order,
 * which depends on the items alone, not on how the cloud lists them) keeps
 * the plain name, so a newcomer cannot rename a template clients already use.
 */
export function uniqueTerms<T>(
  items: readonly T[],
  name: (t: T) => string,
  id: (t: T) => string,
  prefix: string,
  precedence?: (a: T, b: T) => number,
): Map<T, string> {
  const base = new Map(items.map((t) => [t, toTerm(name(t), `${prefix}-${id(t)}`)]));
  const holders = new Map<string, T[]>();
  for (const [t, term] of base) holders.set(term, [...(holders.get(term) ?? []), t]);
  const keeper = new Map<string, T>();
  if (precedence) for (const [term, ts] of holders) keeper.set(term, [...ts].sort(precedence)[0]!);
  return new Map(items.map((t) => {
    const term = base.get(t)!;
    const shared = holders.get(term)!.length > 1 && keeper.get(term) !== t;
    return [t, shared ? toTerm(`${term}_${id(t)}`, `${prefix}-${id(t)}`) : term];
  }));
}

/** Which image keeps a shared name: public ones before the project's own, then the oldest, then by id. */
export function imagePrecedence(a: ImageInfo, b: ImageInfo): number {
  return Number(b.public === true) - Number(a.public === true) || (a.created ?? '').localeCompare(b.created ?? '') || a.id.localeCompare(b.id);
}

export function flavorTemplate(f: NovaFlavor, term: string): Mixin {
  const swap = typeof f.swap === 'number' ? f.swap : 0;
  return resourceTemplate({
    id: String(f.id),
    term,
    cores: f.vcpus,
    ramMiB: f.ram,
    diskGB: f.disk,
    ephemeralGB: f['OS-FLV-EXT-DATA:ephemeral'] ?? 0,
    swapMiB: swap,
  });
}

export function imageTemplate(img: ImageInfo, term: string): Mixin {
  return osTemplate({
    id: img.id,
    term,
    title: img.name === '' ? `Image ${img.id}` : img.name,
    ...(img.architecture ? { architecture: img.architecture } : {}),
  });
}

/** The templates one project sees, indexed for the compute mapping. */
export class TemplateIndex {
  readonly os: Mixin[];
  readonly resource: Mixin[];
  private readonly osById = new Map<string, Mixin>();
  private readonly usersById = new Map<string, string>();
  private readonly flavorsById = new Map<string, { flavor: NovaFlavor; mixin: Mixin }>();
  private readonly flavorsByName = new Map<string, { flavor: NovaFlavor; mixin: Mixin }>();
  private readonly byTypeId = new Map<string, Mixin>();
  private readonly sizesOnly = new Map<string, NovaFlavor>();

  constructor(images: readonly ImageInfo[], flavors: readonly NovaFlavor[]) {
    // Flavors the cloud refuses to create servers from are not offered (Synnefo: SNF:allow_create false), but
    // still size the computes that have them.
    const offered = flavors.filter((f) => f['OS-FLV-DISABLED:disabled'] !== true && f['SNF:allow_create'] !== false);
    for (const f of flavors) if (!offered.includes(f)) this.sizesOnly.set(String(f.id), f);
    for (const i of images) if (i.users !== undefined) this.usersById.set(i.id, i.users);
    const imageTerms = uniqueTerms(images, (i) => i.name, (i) => i.id, 'image', imagePrecedence);
    const flavorTerms = uniqueTerms(offered, (f) => f.name, (f) => String(f.id), 'flavor');
    // Usable images first, so the first OS template always boots.
    const ordered = [...images.filter((i) => i.ready !== false), ...images.filter((i) => i.ready === false)];
    this.os = ordered.map((i) => {
      const m = imageTemplate(i, imageTerms.get(i)!);
      this.osById.set(i.id, m);
      return m;
    });
    this.resource = offered.map((f) => {
      const mixin = flavorTemplate(f, flavorTerms.get(f)!);
      const entry = { flavor: f, mixin };
      this.flavorsById.set(String(f.id), entry);
      if (!this.flavorsByName.has(f.name)) this.flavorsByName.set(f.name, entry);
      return mixin;
    });
    for (const m of [...this.os, ...this.resource]) this.byTypeId.set(typeId(m), m);
  }

  image(id: Id): Mixin | undefined {
    return this.osById.get(String(id));
  }

  flavorById(id: Id): { flavor: NovaFlavor; mixin: Mixin } | undefined {
    return this.flavorsById.get(String(id));
  }

  /** Any flavor of the cloud, offered or not (for sizes and volume types). */
  anyFlavor(id: Id): NovaFlavor | undefined {
    return this.flavorsById.get(String(id))?.flavor ?? this.sizesOnly.get(String(id));
  }

  imageUsers(id: string): string | undefined {
    return this.usersById.get(id);
  }

  flavorByName(name: string): { flavor: NovaFlavor; mixin: Mixin } | undefined {
    return this.flavorsByName.get(name);
  }

  /** A template of this cloud with the same scheme and term. */
  find(mixin: Mixin): Mixin | undefined {
    return this.byTypeId.get(typeId(mixin));
  }
}
