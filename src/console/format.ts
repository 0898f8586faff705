// Small pure helpers for showing OCCI things to people.
import { lastSegment, OcciHttpError, stateOf, type Discovery, type Entity } from '../client/index.js';

export const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
export const KIND = {
  compute: `${INFRA}compute`,
  storage: `${INFRA}storage`,
  network: `${INFRA}network`,
  networkinterface: `${INFRA}networkinterface`,
  storagelink: `${INFRA}storagelink`,
} as const;
export const IPNETWORK = 'http://schemas.ogf.org/occi/infrastructure/network#ipnetwork';

/** An error in the server's own words (its request id left out), or the client's. */
export function messageOf(e: unknown): string {
  if (e instanceof OcciHttpError) {
    const said = e.serverMessage.replace(/\s*request-id:\s*\S+\s*$/i, '').trim();
    return said === '' ? `the server answered ${e.status}` : said;
  }
  return e instanceof Error ? e.message : String(e);
}

/** The part of a type id after '#'. */
export const term = (id: string): string => id.slice(id.lastIndexOf('#') + 1);

export const titleOf = (e: Entity): string => e.title ?? lastSegment(e.location);

export function stateText(e: Entity): { state: string; message?: string } {
  const { state, message } = stateOf(e);
  return { state: state ?? 'unknown', ...(message ? { message } : {}) };
}

/** A mixin's title where the server gave one, else its term. */
export function mixinName(d: Discovery | undefined, id: string): string {
  return d?.category(id)?.title ?? term(id);
}

export const attr = (e: Entity, name: string): string | undefined => {
  const v = e.attributes[name];
  return v === undefined || v === null ? undefined : String(v);
};

/** The addresses of a compute's network interfaces. */
export function addresses(e: Entity): string[] {
  return e.links.map((l) => attr(l, 'occi.networkinterface.address')).filter((a): a is string => !!a);
}

/** Templates a compute carries, as short names. */
export function templates(d: Discovery | undefined, e: Entity): { os?: string; resource?: string } {
  const family = (parent: string): string | undefined => {
    const ids = new Set((d?.family(parent) ?? []).map((m) => m.id));
    const found = e.mixins.find((m) => ids.has(m));
    return found ? term(found) : undefined;
  };
  const os = family(`${INFRA}os_tpl`);
  const resource = family(`${INFRA}resource_tpl`);
  return { ...(os ? { os } : {}), ...(resource ? { resource } : {}) };
}

/** Destructive or disruptive actions, confirmed before they are sent. */
export const CONFIRM = new Set(['stop', 'restart', 'suspend', 'down', 'offline']);

/** What the page says while an action runs. */
export function doing(action: string): string {
  const words: Record<string, string> = { stop: 'stopping', start: 'starting', restart: 'restarting', suspend: 'suspending', save: 'saving', up: 'bringing up', down: 'bringing down', online: 'bringing online', offline: 'taking offline', backup: 'backing up', snapshot: 'snapshotting', resize: 'resizing' };
  return `${words[action] ?? action}…`;
}

/** A URL-safe route to an entity's detail page. */
export const detailHref = (location: string): string => `#/detail?u=${encodeURIComponent(location)}`;

/** The collection URL of a kind, by term. */
export function collectionOf(d: Discovery | undefined, kindTerm: string): string | undefined {
  return d?.kinds.find((k) => k.term === kindTerm)?.location;
}

/** Links from computes to a target (storage links to a volume, interfaces on a network). */
export function linksTo(computes: Entity[], target: string): Array<{ compute: Entity; link: Entity }> {
  return computes.flatMap((compute) => compute.links.filter((l) => (l as { target?: string }).target === target).map((link) => ({ compute, link })));
}
