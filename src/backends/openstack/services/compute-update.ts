// Updating a compute: title, summary and hostname in place; security groups
// added and removed; a new resource_tpl resizes (and confirms the resize), a
// new os_tpl rebuilds. Everything is checked before anything changes.
import { isLinkRecord, type EntityRecord, type ResourceRecord, type UpdateSpec } from '../../../port/backend.js';
import { badRequest, conflict, forbidden, notFound, OcciError } from '../../../errors.js';
import type { AttributeValue, Mixin } from '../../../model/category.js';
import { isOsTemplate, isResourceTemplate } from '../../../model/templates.js';
import type { Cloud } from '../cloud.js';
import { isSettled } from './compute-actions.js';
import type { ComputeDeps } from './compute-create.js';
import { serverOf } from './compute-read.js';
import { compareMicroversions, type NovaServer } from '../clients/nova.js';
import { groupChanges, isZoneOrGroup, type GroupChanges } from './compute-zones-groups.js';
import { waitUntil } from './wait.js';
import { SUMMARY_KEY } from '../mapping/compute.js';
import { hostnameIsTheClouds, refuseUnsupported } from '../dialect.js';
import type { TemplateIndex } from '../mapping/templates.js';

/** Given once at creation (D19). */
const CREATION_ONLY = ['occi.compute.userdata', 'occi.credentials.ssh.publickey'];
/** Sizes come from the resource template (D14). */
const SIZE_ATTRIBUTES = ['occi.compute.cores', 'occi.compute.memory', 'occi.compute.architecture', 'occi.compute.share'];

export async function updateCompute(cloud: Cloud, id: string, spec: UpdateSpec, d: ComputeDeps, known?: EntityRecord): Promise<ResourceRecord> {
  const [current, zg] = await Promise.all([readIfUnknown(cloud, id, d, known), d.zonesGroups.get(cloud)]);
  const server = serverOf(current, id);
  if (!server || !current) throw notFound(`compute ${id} not found`);
  checkMixinChanges(spec);
  for (const name of CREATION_ONLY) {
    if (spec.attributes[name] !== undefined && spec.attributes[name] !== null) {
      throw forbidden(`${name} is given once, when the compute is created; leave it out of updates`); // D19
    }
  }
  for (const name of SIZE_ATTRIBUTES) {
    const v = spec.attributes[name];
    if (v !== undefined && v !== null && !sameValue(v, current.attributes[name])) {
      throw badRequest(`${name} follows the resource template; associate another resource_tpl mixin to resize`);
    }
  }
  const groups = groupChanges(spec, current, { ...zg, dialect: cloud.dialect });
  const fields = serverFields(cloud, spec.attributes, current);
  if (Object.keys(fields).length > 0) {
    await leaveScheduling(cloud, server, d);
    await cloud.nova.updateServer(id, fields);
  }
  await updateSummaryItem(cloud, id, spec.attributes['occi.core.summary'], current);
  await applyGroupChanges(cloud, id, groups);
  const index = await d.templates.index(cloud);
  for (const m of spec.addMixins.filter(isTemplate)) {
    const known = index.find(m);
    if (!known?.providerId) throw badRequest(`template ${m.scheme}${m.term} is not offered to this project`);
    const pendingConfirm = isResourceTemplate(m) && server.status === 'VERIFY_RESIZE';
    if (current.mixins.includes(m.scheme + m.term) && !pendingConfirm) continue;
    if (isResourceTemplate(m)) await resize(cloud, server, known, index, d);
    else await rebuild(cloud, server, known, d);
  }
  const after = await d.reader.get(cloud, id);
  if (!after) throw notFound(`compute ${id} disappeared`);
  return after;
}

/** The compute as the request read it, else read now. */
async function readIfUnknown(cloud: Cloud, id: string, d: ComputeDeps, known: EntityRecord | undefined): Promise<ResourceRecord | undefined> {
  return known && !isLinkRecord(known) && serverOf(known, id) ? known : d.reader.get(cloud, id);
}

/**
 * While Nova schedules a new server it exists only as a build request, and
 * an update made then can be lost when the server lands in its cell; so
 * updates wait (bounded) for the scheduling to end.
 */
async function leaveScheduling(cloud: Cloud, server: NovaServer, d: ComputeDeps): Promise<void> {
  const scheduling = (s: NovaServer | undefined): boolean => s?.status === 'BUILD' && s['OS-EXT-STS:task_state'] === 'scheduling';
  if (!scheduling(server)) return;
  await waitUntil(() => cloud.nova.getServer(String(server.id)), (s) => !scheduling(s), { deadlineMs: d.timeoutMs });
}

function isTemplate(m: Mixin): boolean {
  return isOsTemplate(m) || isResourceTemplate(m);
}

function checkMixinChanges(spec: UpdateSpec): void {
  for (const m of spec.addMixins) {
    if (!isTemplate(m) && !isZoneOrGroup(m)) {
      throw badRequest(`mixin ${m.scheme}${m.term} cannot be added to an existing compute`);
    }
  }
  const replaced = (test: (m: Mixin) => boolean): boolean => spec.addMixins.some(test);
  for (const m of spec.removeMixins) {
    if ((isOsTemplate(m) && !replaced(isOsTemplate)) || (isResourceTemplate(m) && !replaced(isResourceTemplate))) {
      throw badRequest(`a compute keeps its templates; replace ${m.scheme}${m.term} with another one instead of removing it`);
    }
  }
}

/**
 * Nova applies a group to every port of the server, or takes it off every
 * port. Additions go first: a port left with no group drops all traffic,
 * so replacing a group must not pass through that.
 */
async function applyGroupChanges(cloud: Cloud, id: string, changes: GroupChanges): Promise<void> {
  for (const g of changes.add) await cloud.nova.action(id, { addSecurityGroup: { name: g.providerId } });
  for (const g of changes.remove) await cloud.nova.action(id, { removeSecurityGroup: { name: g.providerId } });
}

/** Nova server fields for title (name), summary (description) and hostname (2.90+). Unsetting a name keeps it: Nova requires one. */
function serverFields(cloud: Cloud, a: UpdateSpec['attributes'], current: ResourceRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const title = a['occi.core.title'];
  if (typeof title === 'string' && title !== '') fields.name = title;
  const summary = a['occi.core.summary'];
  if (summary !== undefined && cloud.dialect.summary === 'description') fields.description = typeof summary === 'string' ? summary : null;
  const hostname = a['occi.compute.hostname'];
  if (typeof hostname === 'string' && hostname !== '' && hostname !== current.attributes['occi.compute.hostname']) {
    if (cloud.dialect.hostnames === 'cloud') throw badRequest(hostnameIsTheClouds(cloud.dialect));
    if (!cloud.microversion || compareMicroversions(cloud.microversion, '2.90') < 0) {
      throw badRequest('occi.compute.hostname cannot be changed on this cloud (needs compute API 2.90)');
    }
    fields.hostname = hostname.split('.')[0];
  }
  return fields;
}

/** Synnefo keeps occi.core.summary in a server metadata item: set, changed or (null) removed. */
async function updateSummaryItem(cloud: Cloud, id: string, summary: AttributeValue | null | undefined, current: ResourceRecord): Promise<void> {
  if (cloud.dialect.summary !== 'metadata' || summary === undefined || summary === current.attributes['occi.core.summary']) return;
  if (typeof summary === 'string' && summary !== '') await cloud.nova.setMetadata(id, { [SUMMARY_KEY]: summary });
  else await cloud.nova.deleteMetadata(id, SUMMARY_KEY);
}

function sameValue(a: AttributeValue, b: AttributeValue | undefined): boolean {
  return typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) < 1e-9 : a === b;
}

/**
 * Resize, then confirm (R70: the new template takes effect at once). A resize
 * still running at the deadline is left to the cloud: repeating the update
 * with the same template confirms it later.
 */
async function resize(cloud: Cloud, server: NovaServer, template: Mixin, index: TemplateIndex, d: ComputeDeps): Promise<void> {
  const id = String(server.id);
  if (cloud.dialect.resizeRule === 'stopped-same-disk') return resizeStopped(cloud, server, template, index, d);
  if (server.status !== 'VERIFY_RESIZE') {
    await cloud.nova.action(id, { resize: { flavorRef: template.providerId } });
    const { value, settled } = await waitUntil(
      () => cloud.nova.getServer(id),
      (s) => !s || s.status === 'VERIFY_RESIZE' || isSettled(s, ['ACTIVE', 'SHUTOFF']),
      { deadlineMs: d.timeoutMs },
    );
    if (!settled) {
      throw new OcciError(504, `compute ${id} is still resizing after ${d.timeoutMs} ms; update it again with the same resource_tpl to confirm`);
    }
    if (value?.status !== 'VERIFY_RESIZE') {
      throw conflict(
        `the cloud did not resize compute ${id} to ${template.term} (it is ${value?.status ?? 'gone'} with its old flavor${value?.fault?.message ? `: ${value.fault.message}` : ''})`,
      );
    }
  }
  await cloud.nova.action(id, { confirmResize: null });
  await waitUntil(() => cloud.nova.getServer(id), (s) => isSettled(s, ['ACTIVE', 'SHUTOFF']), { deadlineMs: d.timeoutMs });
}

/**
 * Cyclades resizes a stopped server only, to a flavor with the same disk
 * and volume type, with no confirmation (logic/commands.py
 * validate_server_action() L58-63, logic/servers.py _resize() L285-298): said in words
 * before asking, then waited for.
 */
async function resizeStopped(cloud: Cloud, server: NovaServer, template: Mixin, index: TemplateIndex, d: ComputeDeps): Promise<void> {
  const id = String(server.id);
  const from = server.flavor?.id !== undefined ? index.anyFlavor(server.flavor.id) : undefined;
  const to = index.anyFlavor(template.providerId!);
  if (from && to && from.disk !== to.disk) {
    const same = index.resource.filter((m) => index.anyFlavor(m.providerId!)?.disk === from.disk).map((m) => m.term);
    throw badRequest(`${cloud.dialect.label} cannot change a compute's disk size (${from.disk} GB); choose a resource_tpl with the same disk: ${same.join(', ')}`);
  }
  if (from && to && String(from['SNF:volume_type']) !== String(to['SNF:volume_type'])) {
    throw badRequest(`${cloud.dialect.label} cannot move a compute to another volume type; choose a resource_tpl of volume type ${String(from['SNF:volume_type'])}`);
  }
  if (server.status !== 'STOPPED') {
    throw conflict(`${cloud.dialect.label} resizes only a stopped compute; stop compute ${id} first (it is ${server.status})`);
  }
  await cloud.nova.action(id, { resize: { flavorRef: template.providerId } });
  await waitUntil(() => cloud.nova.getServer(id), (s) => !s || (isSettled(s, ['STOPPED', 'ACTIVE']) && String(s.flavor?.id) === template.providerId), {
    deadlineMs: d.timeoutMs,
  });
}

/** Replacing the OS template rebuilds the server from the new image (spec §2.8, MAY). */
async function rebuild(cloud: Cloud, server: NovaServer, template: Mixin, d: ComputeDeps): Promise<void> {
  refuseUnsupported(cloud.dialect, 'compute', 'rebuild');
  const id = String(server.id);
  await cloud.nova.action(id, { rebuild: { imageRef: template.providerId } });
  await waitUntil(() => cloud.nova.getServer(id), (s) => isSettled(s, ['ACTIVE', 'SHUTOFF']), { deadlineMs: d.timeoutMs });
}
