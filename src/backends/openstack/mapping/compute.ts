// A Nova server → an OCCI compute record.
import type { Attributes, LinkRecord, ResourceRecord } from '../../../port/backend.js';
import { typeId, type Mixin } from '../../../model/category.js';
import { templateDefault } from '../../../model/templates.js';
import { unsupportedActions, type Dialect } from '../dialect.js';
import type { NovaServer } from '../clients/nova.js';
import { computeState } from './status.js';
import type { TemplateIndex } from './templates.js';

export interface ServerContext {
  templates: TemplateIndex;
  dialect: Dialect;
}

/** The server metadata item holding occi.core.summary where the cloud has no description (Synnefo). */
export const SUMMARY_KEY = 'occi.core.summary';

export function computeRecord(server: NovaServer, links: LinkRecord[], ctx: ServerContext): ResourceRecord {
  const image = imageTemplate(server, ctx.templates);
  const flavor = flavorOf(server, ctx.templates);
  const attributes: Attributes = {
    'occi.core.title': server.name,
    'occi.compute.state': computeState(server.status),
    'occi.compute.state.message': stateMessage(server),
  };
  const summary = ctx.dialect.summary === 'metadata' ? server.metadata?.[SUMMARY_KEY] : (server as { description?: unknown }).description;
  if (typeof summary === 'string' && summary !== '') attributes['occi.core.summary'] = summary;
  if (flavor.cores !== undefined) attributes['occi.compute.cores'] = flavor.cores;
  if (flavor.ramMiB !== undefined) attributes['occi.compute.memory'] = flavor.ramMiB / 1024;
  const hostname = ctx.dialect.hostname(server);
  if (hostname) attributes['occi.compute.hostname'] = hostname;
  const arch = image ? templateDefault(image, 'occi.compute.architecture') : undefined;
  if (arch === 'x86' || arch === 'x64') attributes['occi.compute.architecture'] = arch;
  const mixins = [image, flavor.mixin].filter((m): m is Mixin => m !== undefined).map(typeId);
  const refused = unsupportedActions(ctx.dialect, 'compute');
  return { kind: 'compute', id: String(server.id), mixins, attributes, links, busy: isBusy(server), ...(refused.length ? { refused } : {}) };
}

/** Statuses in which Nova is still doing something to the server. */
const TRANSITIONAL = new Set(['BUILD', 'REBOOT', 'HARD_REBOOT', 'RESIZE', 'REBUILD', 'MIGRATING', 'PASSWORD', 'REVERT_RESIZE']);

/** Nova refuses most actions while a task runs: the bridge says so before acting on a whole collection. */
export function isBusy(server: NovaServer): boolean {
  return Boolean(server['OS-EXT-STS:task_state'] ?? server['SNF:task_state']) || TRANSITIONAL.has(server.status);
}

/**
 * What the cloud is doing, in words, for the statuses whose OCCI state alone
 * would not say it (a compute being built is `inactive`, the 1.2 enum having
 * no building state).
 */
const UNDER_WAY: Record<string, string> = {
  BUILD: 'building',
  REBUILD: 'rebuilding',
  REBOOT: 'rebooting',
  HARD_REBOOT: 'rebooting',
  RESIZE: 'resizing',
  VERIFY_RESIZE: 'resized, waiting for the resize to be confirmed',
  REVERT_RESIZE: 'reverting a resize',
  MIGRATING: 'migrating',
};

/**
 * The words for a status under way, then the raw status, the task in
 * progress and the fault, e.g. "building: BUILD (spawning)", "ACTIVE
 * (powering-off)" or "ERROR: No valid host".
 */
export function stateMessage(server: NovaServer): string {
  const task = server['OS-EXT-STS:task_state'] ?? server['SNF:task_state'];
  const words = UNDER_WAY[server.status.toUpperCase()];
  let msg = words ? `${words}: ${server.status}` : server.status;
  if (task) msg += ` (${task})`;
  if (server.fault?.message) msg += `: ${server.fault.message}`;
  return msg;
}

function imageTemplate(server: NovaServer, templates: TemplateIndex): Mixin | undefined {
  const img = server.image;
  return img && typeof img === 'object' ? templates.image(img.id) : undefined;
}

/** Size facts from the embedded flavor (microversion ≥ 2.47) or the flavor list (by id). */
function flavorOf(server: NovaServer, templates: TemplateIndex): { cores?: number; ramMiB?: number; mixin?: Mixin } {
  const f = server.flavor;
  if (!f) return {};
  const known = f.id !== undefined ? templates.flavorById(f.id) : f.original_name ? templates.flavorByName(f.original_name) : undefined;
  // An embedded flavor whose sizes no longer match the listed one (edited or deleted flavor) keeps no template.
  const matches = known && (f.vcpus === undefined || (known.flavor.vcpus === f.vcpus && known.flavor.ram === f.ram));
  // A flavor not offered as a template (Synnefo SNF:allow_create false) still gives the sizes.
  const sized = known?.flavor ?? (f.id !== undefined ? templates.anyFlavor(f.id) : undefined);
  return {
    cores: f.vcpus ?? sized?.vcpus,
    ramMiB: f.ram ?? sized?.ram,
    ...(matches ? { mixin: known.mixin } : {}),
  };
}
