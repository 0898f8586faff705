// Creating and deleting computes. Creation is one Nova call (plus a keypair
// import), placed in the zone and security groups named by mixins; floating IPs asked for inline are added once the server has its
// port, and a failure there deletes the half-made server (R147).
import type { EntityRecord, ResourceRecord, ResourceSpec } from '../../../port/backend.js';
import { notFound, OcciError } from '../../../errors.js';
import type { Cloud } from '../cloud.js';
import { serverOf, type ComputeReader } from './compute-read.js';
import { planServer } from './compute-plan.js';
import { zoneAndGroupFields } from './compute-zones-groups.js';
import { attachFloatingIp, holdFloatingIps, portForFloatingIp, releaseHeld, releaseServerFloatingIps, type HeldAddresses } from './floating-ips.js';
import { isCloudId } from '../mapping/ids.js';
import type { NeutronNetwork } from '../clients/neutron.js';
import { stateMessage } from '../mapping/compute.js';
import type { TemplateCache } from '../caches/template-cache.js';
import { untilGone, waitUntil } from './wait.js';
import type { ZoneGroupCache } from '../caches/zone-group-cache.js';
import type { RecentStates } from '../caches/recent-states.js';

export interface ComputeDeps {
  templates: TemplateCache;
  reader: ComputeReader;
  zonesGroups: ZoneGroupCache;
  /** The settled states actions have just seen, for the next action's check (compute-actions.ts). */
  recent: RecentStates;
  timeoutMs: number;
}

export async function createCompute(cloud: Cloud, spec: ResourceSpec, d: ComputeDeps): Promise<ResourceRecord> {
  const withKey = spec.attributes['occi.credentials.ssh.publickey'] !== undefined;
  const [templates, networks, zg, keypairs] = await Promise.all([
    d.templates.index(cloud),
    linkedNetworks(cloud, spec),
    d.zonesGroups.get(cloud),
    withKey ? cloud.keypairsSupported() : Promise.resolve(true),
  ]);
  const native = { keypairs, userData: cloud.dialect.contextualization.userData === 'user_data' };
  const context = { templates, dialect: cloud.dialect, project: cloud.project, microversion: cloud.microversion, networks, contextualization: native };
  // Everything that can be refused is checked before an address is held.
  planServer(spec, context);
  const held: HeldAddresses =
    cloud.dialect.publicAtCreate === 'networks-entry' ? await holdFloatingIps(cloud, spec.links, networks) : { byNetwork: new Map(), allocated: [] };
  let serverId: string;
  let plan;
  try {
    plan = planServer(spec, { ...context, publicAddresses: held.byNetwork });
    const withPorts = Array.isArray(plan.body.networks) && plan.body.networks.length > 0;
    Object.assign(plan.body, zoneAndGroupFields(spec.mixins, { ...zg, dialect: cloud.dialect }, withPorts));
    if (plan.keypair) await ensureKeypair(cloud, plan.keypair.name, plan.keypair.publicKey);
    serverId = String((await cloud.nova.createServer(plan.body)).id);
  } catch (err) {
    await releaseHeld(cloud, held);
    throw err;
  }
  try {
    for (const f of plan.floating) {
      const port =
        cloud.dialect.attach === 'nova'
          ? await portForFloatingIp(cloud, serverId, { network: f.via, waitMs: d.timeoutMs })
          : undefined;
      await attachFloatingIp(cloud, serverId, f.external, port);
    }
  } catch (err) {
    await deleteServer(cloud, serverId).catch(() => undefined);
    throw err;
  }
  // Ports and attachments appear while the server builds; wait (bounded) so the answer shows the inline links (R104).
  // Counted per kind: a cloud whose root disks are volumes (Synnefo) shows one storagelink of its own.
  const expected = (r: ResourceRecord, kind: string): boolean =>
    r.links.filter((l) => l.kind === kind).length >= spec.links.filter((l) => l.kind === kind).length;
  const { value } = await waitUntil(
    () => d.reader.get(cloud, serverId),
    (r) => !r || (expected(r, 'networkinterface') && expected(r, 'storagelink')) || r.attributes['occi.compute.state'] === 'error',
    { deadlineMs: spec.links.length > 0 ? d.timeoutMs : 0 },
  );
  if (!value) throw new OcciError(502, `nova lost compute ${serverId} right after creating it`);
  return value;
}

/** Deletes the server and waits (bounded) until Nova no longer has it; 504 if it still has it at the deadline. */
export async function deleteCompute(cloud: Cloud, id: string, d: ComputeDeps, current?: EntityRecord): Promise<void> {
  const server = serverOf(current, id) ?? (isCloudId(id) ? await cloud.nova.getServer(id) : undefined);
  if (!server) throw notFound(`compute ${id} not found`);
  d.recent.forget(cloud, id);
  await deleteServer(cloud, id);
  await untilGone(() => cloud.nova.getServer(id), { deadlineMs: d.timeoutMs, what: `compute ${id}`, describe: (s) => `status ${stateMessage(s)}` });
}

/**
 * Releases the addresses the bridge allocated, then deletes the server. The
 * floating IPs are looked for whatever Nova's addresses say: they show a new
 * one seconds late, and an address missed here would stay allocated to
 * nothing.
 */
async function deleteServer(cloud: Cloud, id: string): Promise<void> {
  await releaseServerFloatingIps(cloud, id);
  await cloud.nova.deleteServer(id);
}

/** The networks inline networkinterfaces point at, fetched in parallel. */
async function linkedNetworks(cloud: Cloud, spec: ResourceSpec): Promise<Map<string, NeutronNetwork>> {
  const ids = [...new Set(spec.links.filter((l) => l.kind === 'networkinterface').map((l) => l.target.id))];
  if (ids.length === 0) return new Map();
  const nets = await Promise.all(ids.map((id) => cloud.neutron.getNetwork(id)));
  const out = new Map<string, NeutronNetwork>();
  nets.forEach((n, i) => {
    if (!n) throw notFound(`networkinterface target network ${ids[i]} not found`);
    out.set(ids[i]!, n);
  });
  return out;
}

async function ensureKeypair(cloud: Cloud, name: string, publicKey: string): Promise<void> {
  const existing = await cloud.nova.getKeypair(name);
  if (existing) return;
  try {
    await cloud.nova.importKeypair(name, publicKey);
  } catch (err) {
    // A concurrent creation imported the same key first.
    if (!(err instanceof OcciError && err.status === 409)) throw err;
  }
}
