// Cyclades servers: api/servers.py (vm_to_dict() L195-243, create_server()
// L387-457, update_server_name() L575-601, delete_server() L606-625,
// update_metadata() L743-790, delete_metadata_item() L864-882) over
// logic/servers.py create() L47-175 and destroy() L242-252. Deleted servers
// stay readable: GET answers them with `deleted: true` (vm_to_dict() L242)
// and status DELETED, only the listing leaves them out
// (snf_django/lib/api/utils.py filter_modified_since()). Line numbers: README.md.
import { empty, match, methods, ok, type Reply, type Req } from './api.js';
import { attribute, badRequest, forbidden, itemNotFound, Fault } from './faults.js';
import { assignBlockDevices, checkBlockDevices, parseBlockDevices } from './block-devices.js';
import { portForRequest, removePort } from './nics.js';
import type { Server, World } from './world.js';

const TASK_STATE: Record<string, string> = {
  BUILD: 'BUILDING', START: 'STARTING', STOP: 'STOPPING', REBOOT: 'REBOOTING', DESTROY: 'DESTROYING', RESIZE: 'RESIZING',
  CONNECT: 'CONNECTING', DISCONNECT: 'DISCONNECTING', ATTACH_VOLUME: 'ATTACHING_VOLUME', DETACH_VOLUME: 'DETACHING_VOLUME',
};

/** logic/utils.py get_rsapi_state() L108-148: DELETED once deleted (L135), REBOOT while a reboot job runs (L141). */
export function rsapiState(vm: Server): string {
  if (vm.deleted) return 'DELETED';
  if (vm.operstate === 'STARTED') return vm.task === 'REBOOT' ? 'REBOOT' : 'ACTIVE';
  return vm.operstate === 'DESTROYED' ? 'DELETED' : vm.operstate;
}

export function serverToDict(w: World, vm: Server, detail: boolean): Record<string, unknown> {
  const d: Record<string, unknown> = { id: vm.id, name: vm.name, links: [{ rel: 'self', href: `servers/${vm.id}` }] };
  if (!detail) return d;
  // api/servers.py vm_to_dict(): NICs by id, ACTIVE only (L217-222); volumes not deleted (L224); key_name (L234); SNF:fqdn (L238-239).
  const status = rsapiState(vm);
  const nics = [...w.ports.values()].filter((p) => p.machineId === vm.id && p.state === 'ACTIVE').sort((a, b) => Number(a.id) - Number(b.id));
  const attachments = nics.map((n) => {
    const ip = [...w.ips.values()].find((x) => x.nicId === n.id);
    return { id: Number(n.id), network_id: n.networkId, mac_address: n.mac, ipv4: ip?.address ?? '', ipv6: '', 'OS-EXT-IPS:type': ip?.floating ? 'floating' : 'fixed' };
  });
  const addresses = Object.fromEntries(
    attachments.map((a) => [a.network_id, a.ipv4 ? [{ version: 4, addr: a.ipv4, 'OS-EXT-IPS:type': a['OS-EXT-IPS:type'] }] : []]),
  );
  Object.assign(d, {
    user_id: vm.userid,
    tenant_id: vm.project,
    ...(w.features.sharedToProject ? { shared_to_project: false } : {}),
    status,
    'SNF:task_state': vm.task ? (TASK_STATE[vm.task] ?? '') : '',
    progress: status === 'ACTIVE' ? 100 : 0,
    hostId: '',
    updated: vm.updated,
    created: vm.created,
    flavor: { id: vm.flavorId, links: [{ rel: 'self', href: `flavors/${vm.flavorId}` }] },
    image: { id: vm.imageId, links: [{ rel: 'self', href: `images/${vm.imageId}` }] },
    suspended: false,
    metadata: { ...vm.metadata },
    attachments,
    addresses,
    volumes: [...w.volumes.values()].filter((v) => v.machineId === vm.id && !v.deleted).sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((v) => Number(v.id)),
    diagnostics: [],
    security_groups: [{ name: 'default' }],
    key_name: w.features.keypairs ? vm.keyName : null,
    config_drive: '',
    accessIPv4: '',
    accessIPv6: '',
    // get_server_fqdn() L258-267: None without CYCLADES_SERVERS_FQDN, else the pattern with the id.
    'SNF:fqdn': w.fqdnPattern === null ? null : w.fqdnPattern.replace('%(id)s', String(vm.id)),
    'SNF:port_forwarding': {},
    deleted: vm.deleted,
  });
  return d;
}

/** util.verify_personality(): at most MAX_PERSONALITY (5) files of MAX_PERSONALITY_SIZE (10240) bytes, known keys only. */
function verifyPersonality(personality: unknown[]): void {
  if (personality.length > 5) throw new Fault(413, 'overLimit', 'Maximum number of personalities exceeded');
  for (const p of personality) {
    const keys = typeof p === 'object' && p !== null ? Object.keys(p) : ['?'];
    const contents = (p as { contents?: unknown }).contents;
    if (!keys.every((k) => ['contents', 'group', 'mode', 'owner', 'path'].includes(k)) || typeof contents !== 'string') {
      throw badRequest('Malformed personality in request');
    }
    if (contents.length > 10240 || Buffer.from(contents, 'base64').length > 10240) throw new Fault(413, 'overLimit', 'Maximum size of personality exceeded');
  }
}

function createServer(req: Req): Reply {
  const { world: w, user } = req;
  const s = (req.body as { server?: Record<string, unknown> } | undefined)?.server;
  // create_server() L402-418: a missing member or a wrong-typed list is "Malformed request".
  if (!s || typeof s.name !== 'string' || s.imageRef === undefined || s.flavorRef === undefined) throw badRequest('Malformed request');
  const personality = s.personality ?? [];
  const networks = s.networks;
  if (!Array.isArray(personality) || (networks !== undefined && !Array.isArray(networks))) throw badRequest('Malformed request');
  const devices = parseBlockDevices(s.block_device_mapping_v2);
  verifyPersonality(personality);
  const flavor = w.flavor(s.flavorRef);
  // create_server() L432-435 (util.can_create_flavor()).
  if (!flavor.allowCreate) {
    throw forbidden(`It is not allowed to create a server from flavor with id '${flavor.id}', see 'allow_create' flavor attribute`);
  }
  const image = w.images.find((i) => i.id === s.imageRef);
  if (!image) throw itemNotFound('Image not found.');
  let keyName: string | null = null;
  if (w.features.keypairs && typeof s.key_name === 'string') {
    if (!w.keypairs.some((k) => k.user === user.uuid && k.name === s.key_name)) throw itemNotFound('Keypair not found.');
    keyName = s.key_name;
  }
  // No mapping: one root volume of the flavor's size and volume type, filled from the image (logic/servers.py create() L78-84).
  const volumes = devices ?? [{ sourceType: 'image', uuid: image.id, size: flavor.disk, deleteOnTermination: true }];
  checkBlockDevices(w, user, flavor, s.imageRef, volumes);
  const project = w.chargeProject(user, s.project, 'Virtual Machine');
  // create_instance_ports() runs before the VM exists (logic/servers.py L114, the VM row at L121): a refused port leaves nothing behind.
  const ports = (networks ?? []).map((n) => portForRequest(w, user, n));
  const t = w.stamp();
  const vm: Server = {
    id: Number(w.id()), userid: user.uuid, project, name: s.name, flavorId: flavor.id, imageId: image.id, operstate: 'BUILD', task: 'BUILD',
    deleted: false, created: t, updated: t, metadata: typeof s.metadata === 'object' && s.metadata ? { ...(s.metadata as Record<string, string>) } : {},
    keyName, personality, userData: w.features.userData && typeof s.user_data === 'string' ? s.user_data : null,
  };
  w.servers.set(vm.id, vm);
  for (const port of ports) Object.assign(port, { machineId: vm.id, state: 'BUILD', deviceOwner: 'vm' });
  const disks = assignBlockDevices(w, vm.id, project, user, flavor, volumes, t);
  w.job(() => {
    if (vm.deleted) return;
    Object.assign(vm, { operstate: 'STARTED', task: null, updated: w.stamp() });
    for (const p of w.ports.values()) if (p.machineId === vm.id) p.state = 'ACTIVE';
    for (const v of disks) if (!v.deleted) v.status = 'IN_USE';
  });
  // create_server() L449-455: the detail form, status BUILD, the password, 202.
  return ok({ server: { ...serverToDict(w, vm, true), status: 'BUILD', adminPass: 'Sn4fPassw0' } }, 202);
}

/** logic/servers.py destroy() and the job that follows: ports and their fixed addresses go, floating IPs are kept, volumes deleted or detached. */
function destroy(w: World, vm: Server): void {
  vm.task = 'DESTROY';
  w.job(() => {
    Object.assign(vm, { deleted: true, operstate: 'DESTROYED', task: null, updated: w.stamp() });
    for (const p of [...w.ports.values()]) if (p.machineId === vm.id) removePort(w, p);
    for (const v of w.volumes.values()) {
      if (v.machineId !== vm.id || v.deleted) continue;
      if (v.deleteOnTermination) Object.assign(v, { deleted: true, status: 'DELETED' });
      else Object.assign(v, { machineId: null, index: null, status: 'AVAILABLE' });
    }
  });
}

function metadata(req: Req, vm: Server, key: string | undefined): Reply {
  if (key === undefined) {
    return methods(req, {
      GET: () => ok({ metadata: vm.metadata }),
      POST: () => {
        if (vm.deleted) throw badRequest('Server has been deleted.');
        Object.assign(vm.metadata, attribute<Record<string, string>>(req.body, 'metadata', 'object'));
        return ok({ metadata: vm.metadata }, 201);
      },
    });
  }
  return methods(req, {
    GET: () => {
      if (!(key in vm.metadata)) throw itemNotFound('Metadata key not found.');
      return ok({ meta: { [key]: vm.metadata[key] } });
    },
    DELETE: () => {
      if (!(key in vm.metadata)) throw itemNotFound('Metadata key not found.');
      delete vm.metadata[key];
      return empty(204);
    },
  });
}

export function serversRoute(req: Req): Reply | undefined {
  const w = req.world;
  const list = (detail: boolean): Reply =>
    ok({ servers: [...w.servers.values()].filter((s) => s.userid === req.user.uuid && !s.deleted).map((s) => serverToDict(w, s, detail)) });
  if (req.path === '/servers' || req.path === '/servers/') return methods(req, { GET: () => list(false), POST: () => createServer(req) });
  if (req.path === '/servers/detail') return methods(req, { GET: () => list(true) });
  let m = match(req, /^\/servers\/(\d+)$/);
  if (m) {
    const vm = w.vm(m[0]!, req.user);
    return methods(req, {
      GET: () => ok({ server: serverToDict(w, vm, true) }),
      PUT: () => {
        const name = attribute<string>(attribute(req.body, 'server', 'object'), 'name', 'string')!;
        if (vm.deleted) throw badRequest('Server has been deleted.');
        Object.assign(vm, { name, updated: w.stamp() });
        return empty(204); // update_server_name() L601: 204 and no body
      },
      DELETE: () => {
        if (vm.deleted) throw badRequest('Server has been deleted.');
        destroy(w, vm);
        return empty(204); // delete_server() L625
      },
    });
  }
  m = match(req, /^\/servers\/(\d+)\/metadata(?:\/(.+))?$/);
  if (m) return metadata(req, w.vm(m[0]!, req.user), m[1] === undefined ? undefined : decodeURIComponent(m[1]));
  return undefined;
}
