// Compute actions (spec §2.2) as Nova server actions. Each waits, up to the
// call timeout, for the server to settle so the answer shows the new state;
// a slower cloud answers with the transitional state instead (D24).
import type { ActionOutcome, Attributes, EntityRecord } from '../../../port/backend.js';
import { badRequest, conflict, notFound, OcciError } from '../../../errors.js';
import type { Action, Mixin } from '../../../model/category.js';
import { COMPUTE } from '../../../model/infrastructure.js';
import { isApplicable } from '../../../model/lifecycle.js';
import { COMPUTE_ACTIONS } from '../../../model/schemes.js';
import { toTerm } from '../../../model/templates.js';
import type { Cloud } from '../cloud.js';
import type { ComputeDeps } from './compute-create.js';
import { serverOf } from './compute-read.js';
import { refuseUnsupported } from '../dialect.js';
import { computeState, OPENSTACK_LIFECYCLE } from '../mapping/status.js';
import { imageTemplate } from '../mapping/templates.js';
import type { NovaServer } from '../clients/nova.js';
import { waitUntil } from './wait.js';

const STOPPED = ['SHUTOFF', 'STOPPED'];

export async function computeAction(
  cloud: Cloud,
  id: string,
  action: Action,
  params: Attributes,
  d: ComputeDeps,
  current?: EntityRecord,
): Promise<ActionOutcome> {
  if (action.scheme !== COMPUTE_ACTIONS) throw badRequest(`action ${action.scheme}${action.term} does not apply to a compute`);
  const server = serverOf(current, id) ?? (await cloud.nova.getServer(id));
  if (!server) throw notFound(`compute ${id} not found`);
  refuseUnsupported(cloud.dialect, 'compute', action.term);
  const state = computeState(server.status);
  if (!isApplicable(COMPUTE, state, action, OPENSTACK_LIFECYCLE)) {
    throw conflict(`compute ${id} is ${state} (${server.status}); ${action.term} is not allowed in that state`); // D2
  }
  const settle = (targets: string[]): Promise<ActionOutcome> => settled(cloud, id, targets, d, current);
  switch (action.term) {
    case 'start':
      await cloud.nova.action(id, startBody(cloud, server));
      return settle(['ACTIVE']);
    case 'stop':
      await leavePause(cloud, server, d);
      await cloud.nova.action(id, cloud.dialect.stopAction);
      return settle(STOPPED);
    case 'restart':
      await cloud.nova.action(id, { reboot: { type: params.method === 'warm' || params.method === 'graceful' ? 'SOFT' : 'HARD' } });
      return settle(['ACTIVE']);
    case 'suspend':
      await cloud.nova.action(id, { suspend: null });
      return settle(['SUSPENDED']);
    case 'save':
      return save(cloud, server, params, d);
    default:
      throw badRequest(`unknown compute action '${action.term}'`);
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

/** Waits for the server to settle; its links are those the request read before the action (`before`), which these actions leave alone. */
async function settled(cloud: Cloud, id: string, targets: string[], d: ComputeDeps, before?: EntityRecord): Promise<ActionOutcome> {
  const { value } = await waitUntil(() => cloud.nova.getServer(id), (s) => isSettled(s, targets), { deadlineMs: d.timeoutMs });
  if (!value) throw notFound(`compute ${id} disappeared`);
  return { entity: await d.reader.record(cloud, value, before) };
}

/** Done: gone, in error, or in a target status with no task running. */
export function isSettled(s: NovaServer | undefined, targets: readonly string[]): boolean {
  if (!s) return true;
  const task = s['OS-EXT-STS:task_state'] ?? s['SNF:task_state'];
  return !task && (s.status === 'ERROR' || targets.includes(s.status));
}
