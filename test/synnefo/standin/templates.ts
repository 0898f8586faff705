// Flavors, images and keypairs of the compute API: api/flavors.py
// flavor_to_dict() L39-48 (vcpus L45, SNF:disk_template L46, SNF:allow_create
// L47; SNF:volume_type and os-flavor-access are in later forms, not stored),
// list_flavors() L51-72 (deleted ones left out, by id), api/images.py
// (00089614) image_to_dict() L100-114 (properties as metadata L110-113),
// list_images() L118-145 (sorted by id L136), get_image_details() L167-186, and api/keypairs.py (0.19+; 269b5543:
// keypair_to_dict() L49-68, list L92-104, create_new_keypair() L109-163,
// get_keypair() L167-177, delete_keypair() L182-197).
import { empty, match, methods, ok, type Reply, type Req } from './api.js';
import { badRequest, conflict, endpointNotFound, forbidden, itemNotFound } from './faults.js';
import type { Flavor, Image, World } from './world.js';

function flavorToDict(w: World, f: Flavor, detail: boolean): Record<string, unknown> {
  const d: Record<string, unknown> = { id: f.id, name: f.name, links: [{ rel: 'self', href: `flavors/${f.id}` }] };
  if (!detail) return d;
  const type = w.volumeTypes.find((t) => t.id === f.volumeType)!;
  Object.assign(d, { ram: f.ram, disk: f.disk, vcpus: f.cpu, 'SNF:disk_template': type.diskTemplate, 'SNF:volume_type': f.volumeType, 'SNF:allow_create': f.allowCreate });
  if (w.features.flavorAccess) Object.assign(d, { 'os-flavor-access:is_public': true, 'SNF:flavor-access': [] });
  return d;
}

function imageToDict(i: Image, detail: boolean): Record<string, unknown> {
  const d: Record<string, unknown> = { id: i.id, name: i.name };
  if (!detail) return d;
  const t = '2016-01-01T00:00:00+00:00';
  return { ...d, updated: t, created: t, status: 'ACTIVE', progress: 100, user_id: i.owner, tenant_id: i.owner, links: [{ rel: 'self', href: `images/${i.id}` }], metadata: { ...i.properties } };
}

// api/keypairs.py: 'Malformed request.' L128, conflict L140, 201 L163, 204 L197.
// Key generation is refused with 403 as SUPPORT_GENERATE_KEYS off makes it (L151-152).
function keypairs(req: Req): Reply | undefined {
  const w = req.world;
  const mine = () => w.keypairs.filter((k) => k.user === req.user.uuid);
  const dict = (k: { name: string; publicKey: string }) => ({ keypair: { name: k.name, fingerprint: `fp-${k.name}`, public_key: k.publicKey } });
  if (req.path === '/os-keypairs' || req.path === '/os-keypairs/') {
    return methods(req, {
      GET: () => ok({ keypairs: mine().map(dict) }),
      POST: () => {
        const kp = (req.body as { keypair?: { name?: unknown; public_key?: unknown } } | undefined)?.keypair;
        if (!kp || typeof kp.name !== 'string') throw badRequest('Malformed request.');
        if (mine().some((k) => k.name === kp.name)) throw conflict('A keypair with that name already exists');
        if (typeof kp.public_key !== 'string') throw forbidden('Application does not support ssh keys generation');
        const k = { user: req.user.uuid, name: kp.name, publicKey: kp.public_key };
        w.keypairs.push(k);
        return ok(dict(k), 201);
      },
    });
  }
  const m = match(req, /^\/os-keypairs\/([^/]+)$/);
  if (!m) return undefined;
  const name = decodeURIComponent(m[0]!);
  const k = mine().find((x) => x.name === name);
  return methods(req, {
    GET: () => {
      if (!k) throw itemNotFound('Keypair not found.');
      return ok(dict(k));
    },
    DELETE: () => {
      if (!k) throw itemNotFound('Keypair not found.');
      w.keypairs.splice(w.keypairs.indexOf(k), 1);
      return empty(204);
    },
  });
}

export function templatesRoute(req: Req): Reply | undefined {
  const w = req.world;
  if (req.path === '/flavors' || req.path === '/flavors/detail') {
    const detail = req.path.endsWith('detail');
    return methods(req, { GET: () => ok({ flavors: w.flavors.map((f) => flavorToDict(w, f, detail)) }) });
  }
  let m = match(req, /^\/flavors\/(\d+)$/);
  if (m) return methods(req, { GET: () => ok({ flavor: flavorToDict(w, w.flavor(m![0]), true) }) });
  if (req.path === '/images' || req.path === '/images/detail') {
    const detail = req.path.endsWith('detail');
    return methods(req, { GET: () => ok({ images: w.images.map((i) => imageToDict(i, detail)) }) });
  }
  m = match(req, /^\/images\/([\w-]+)$/);
  if (m) {
    const image = w.images.find((i) => i.id === m![0]);
    return methods(req, {
      GET: () => {
        if (!image) throw itemNotFound('Image not found.');
        return ok({ image: imageToDict(image, true) });
      },
    });
  }
  if (req.path.startsWith('/os-keypairs')) {
    // Before 0.19 the compute URLs have no keypairs: the catch-all answers (compute_urls.py 4dbaf138: compute_api20_patterns L26-32 has no
    // os-keypairs, so `^.*` → api_endpoint_not_found L41 answers).
    if (!w.features.keypairs) throw endpointNotFound();
    return keypairs(req);
  }
  return undefined;
}
