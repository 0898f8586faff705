// Compute actions (spec §2.2) as Nova server actions. Each waits, up to the
// call timeout, for the server to settle so the answer shows the new state;
// a slower cloud answers with the transitional state instead (D24). The
// links, which these actions leave alone, are read while Nova acts, and the
// state checked before acting may be the one the previous action saw settle,
// or a GET read settled, moments ago, where Nova checks the action again
// itself (readForAction).
import type { ActionOutcome, Attributes, EntityRecord, ResourceRecord } from '../../../port/backend.js';
import { badRequest, conflict, notFound, OcciError } from '../../../errors.js';
import type { Action, Mixin } from '../../../model/category.js';
import { COMPUTE } from '../../../model/infrastructure.js';
import { allowedActions, busyRefusal, isApplicable, stateRefusal } from '../../../model/lifecycle.js';
import { COMPUTE_ACTIONS } from '../../../model/schemes.js';
import { toTerm } from '../../../model/templates.js';
import type { Cloud } from '../cloud.js';
import type { ComputeDeps } from './compute-create.js';
import { readFrom, serverOf } from './compute-read.js';
import { readServerLinks } from './links-read.js';
import { refuseUnsupported, unsupportedActions } from '../dialect.js';
import { isBusy, stateMessage } from '../mapping/compute.js';
import { isCloudId } from '../mapping/ids.js';
import { computeState, OPENSTACK_LIFECYCLE } from '../mapping/status.js';
import { imageTemplate } from '../mapping/templates.js';
import type { NovaServer } from '../clients/nova.js';
import { waitUntil } from './wait.js';

const STOPPED = ['SHUTOFF', 'STOPPED'];

/** The statuses each waiting action ends in. */
const SETTLES_IN: Readonly<Record<string, readonly string[]>> = { start: ['ACTIVE'], stop: STOPPED, restart: ['ACTIVE'], suspend: ['SUSPENDED'] };

/**
 * Whether Nova's own check refuses `term` in every status OCCI refuses it
 * when the server was last seen as `s`: os-start runs from SHUTOFF only and
 * suspend from ACTIVE only, neither while a task runs (nova/compute/api.py,
 * check_instance_state), so a state a few seconds old may let them through.
 * Not stop (Nova stops an ERROR server, OCCI does not), restart (a HARD
 * reboot starts a SHUTOFF server), save (Nova images a SUSPENDED one), nor a
 * start that would be a resume, unpause or reboot; nor on Synnefo, whose
 * checks differ by release.
 */
function novaChecksFirst(cloud: Cloud, term: string, s: NovaServer): boolean {
  if (cloud.dialect.name !== 'openstack') return false;
  return (term === 'start' && STOPPED.includes(s.status)) || (term === 'suspend' && s.status === 'ACTIVE');
}

/**
 * A compute as a GET reads it. A settled state it shows is kept for the next
 * action as one an action saw settle is (clients read before they act): a
 * start or suspend then asks Nova without reading the server again.
 */
export async function readCompute(cloud: Cloud, id: string, d: ComputeDeps): Promise<ResourceRecord | undefined> {
  const record = await d.reader.get(cloud, id);
  const server = serverOf(record, id);
  if (server && !isBusy(server)) d.recent.remember(cloud, server);
  return record;
}

/**
 * The compute as an action is checked against (port ReadPurpose): the state
 * an action of this project saw settle within seconds where Nova checks the
 * action again, else the server read now; its links are left for the action.
 */
export async function readForAction(cloud: Cloud, id: string, term: string, d: ComputeDeps): Promise<ResourceRecord | undefined> {
  if (!isCloudId(id)) return undefined;
  const recent = d.recent.take(cloud, id);
  if (recent && novaChecksFirst(cloud, term, recent)) return d.reader.withoutLinks(cloud, recent, true);
  const server = await cloud.nova.getServer(id);
  return server && d.reader.withoutLinks(cloud, server, false);
}

export async function computeAction(
  cloud: Cloud,
  id: string,
  action: Action,
  params: Attributes,
  d: ComputeDeps,
  current?: EntityRecord,
): Promise<ActionOutcome> {
  if (action.scheme !== COMPUTE_ACTIONS) throw badRequest(`action ${action.scheme}${action.term} does not apply to a compute`);
  refuseUnsupported(cloud.dialect, 'compute', action.term);
  const known = readFrom(current, id);
  const server = known?.server ?? (await cloud.nova.getServer(id));
  if (!server) throw notFound(`compute ${id} not found`);
  mayRun(cloud, server, action);
  if (action.term === 'save') return save(cloud, server, params, d);
  const targets = SETTLES_IN[action.term];
  if (!targets) throw badRequest(`unknown compute action '${action.term}'`);
  try {
    await send(cloud, server, action, params, d);
  } catch (err) {
    if (!(err instanceof OcciError && err.status === 409)) throw err;
    await afterRefusal(cloud, server, action, params, d, err, known?.recalled === true);
  }
  // Links stay as they are: those the request read are answered again, others are read while Nova acts, once
  // it has accepted the action: read alongside the POST, they slowed Nova's answer to it by 30–60 ms on
  // openstack-lite (now the first poll meets them, which matters less where an action takes seconds).
  // A failed read is tried again for the answer.
  const links = known?.links ? Promise.resolve(known.links) : readServerLinks(cloud, server).catch(() => undefined);
  const { value, settled } = await waitUntil(() => cloud.nova.getServer(id), (s) => isSettled(s, targets), { deadlineMs: d.timeoutMs });
  if (!value) throw notFound(`compute ${id} disappeared`);
  if (settled) d.recent.remember(cloud, value);
  return { entity: await d.reader.record(cloud, value, await links) };
}

/**
 * Nova refused (409) in the state the server has now: read it, and say why
 * in OCCI's words. When the request acted on a remembered state that is no
 * longer the server's, and the real one allows the action, it runs from that.
 */
async function afterRefusal(cloud: Cloud, was: NovaServer, action: Action, params: Attributes, d: ComputeDeps, err: OcciError, recalled: boolean): Promise<void> {
  const id = String(was.id);
  const now = await cloud.nova.getServer(id);
  if (!now) throw notFound(`compute ${id} not found`);
  mayRun(cloud, now, action);
  if (!recalled || now.status === was.status) throw conflict(`cannot ${action.term} compute ${id} now (${stateMessage(now)}): ${err.message}`);
  await send(cloud, now, action, params, d);
}

/** 409 unless the server's state allows the action now (R81, D2), saying its state and what it allows. */
function mayRun(cloud: Cloud, server: NovaServer, action: Action): void {
  const entity = `compute ${String(server.id)}`;
  if (isBusy(server)) throw conflict(busyRefusal(entity, action, stateMessage(server)));
  const state = computeState(server.status);
  if (isApplicable(COMPUTE, state, action, OPENSTACK_LIFECYCLE)) return;
  const allowed = allowedActions(COMPUTE, state, OPENSTACK_LIFECYCLE, unsupportedActions(cloud.dialect, 'compute')).map((a) => a.term);
  throw conflict(stateRefusal(entity, action, `${state} (${server.status})`, allowed));
}

/** The Nova calls of a waiting action. */
async function send(cloud: Cloud, server: NovaServer, action: Action, params: Attributes, d: ComputeDeps): Promise<void> {
  const id = String(server.id);
  switch (action.term) {
    case 'start':
      await cloud.nova.action(id, startBody(cloud, server));
      return;
    case 'stop':
      await leavePause(cloud, server, d);
      await cloud.nova.action(id, cloud.dialect.stopAction);
      return;
    case 'restart':
      await cloud.nova.action(id, { reboot: { type: params.method === 'warm' || params.method === 'graceful' ? 'SOFT' : 'HARD' } });
      return;
    case 'suspend':
      await cloud.nova.action(id, { suspend: null });
      return;
  }
}

/** start from each stopped-like status: resume, unpause, or a hard reboot out of ERROR (D21). */
function startBody(cloud: Cloud, server: NovaServer): Record<string, unknown> {
  switch (server.status) {
    case 'SUSPENDED':
      return { resume: null };
    case 'PAUSED':
      return { unpause: null };
    case 'ERROR':
      return { reboot: { type: 'HARD' } };
    default:
      return cloud.dialect.startAction;
  }
}

/** Nova stops only running servers, so a suspended or paused one is woken first. */
async function leavePause(cloud: Cloud, server: NovaServer, d: ComputeDeps): Promise<void> {
  if (server.status !== 'SUSPENDED' && server.status !== 'PAUSED') return;
  const id = String(server.id);
  await cloud.nova.action(id, server.status === 'SUSPENDED' ? { resume: null } : { unpause: null });
  const { settled: ok } = await waitUntil(() => cloud.nova.getServer(id), (s) => isSettled(s, ['ACTIVE']), {
    deadlineMs: d.timeoutMs,
  });
  if (!ok) throw new OcciError(504, `compute ${id} did not wake up within ${d.timeoutMs} ms, so it was not stopped`);
}

async function save(cloud: Cloud, server: NovaServer, params: Attributes, d: ComputeDeps): Promise<ActionOutcome> {
  const id = String(server.id);
  const name = typeof params.name === 'string' && params.name !== '' ? params.name : `${server.name}-${new Date().toISOString().slice(0, 19)}`;
  const answer = await cloud.nova.action(id, { createImage: { name, metadata: { 'snf-occi.saved-from': id } } });
  const imageId = typeof answer?.image_id === 'string' ? answer.image_id : undefined;
  if (!imageId) throw new OcciError(502, 'nova answered createImage without an image_id');
  d.templates.invalidate(cloud);
  const index = await d.templates.index(cloud);
  const mixin: Mixin = index.image(imageId) ?? imageTemplate({ id: imageId, name }, toTerm(name, `image-${imageId}`));
  return { mixin, entity: await d.reader.record(cloud, server) };
}

/** Done: gone, in error, or in a target status with no task running. */
export function isSettled(s: NovaServer | undefined, targets: readonly string[]): boolean {
  if (!s) return true;
  const task = s['OS-EXT-STS:task_state'] ?? s['SNF:task_state'];
  return !task && (s.status === 'ERROR' || targets.includes(s.status));
}
