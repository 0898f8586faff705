// A small world to aim requests at: one tenant's computes (some linked to a
// network and a volume, one tagged), storages, a network and a user mixin
// at /tags/, plus another tenant's compute. Returns the paths, for fuzzing.
const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';

export const TAG_CATEGORY = 'tag; scheme="http://example.com/tags#"; class="mixin"';

async function call(base: string, token: string, method: string, path: string, body: string, type = 'text/plain'): Promise<Response> {
  return fetch(`${base}${path}`, { method, headers: { 'X-Auth-Token': token, 'Content-Type': type }, body });
}

/** POSTs a text/plain rendering to a kind location and returns the new entity's path. */
export async function createEntity(base: string, token: string, kindPath: string, lines: string[]): Promise<string> {
  const r = await call(base, token, 'POST', kindPath, lines.join('\n') + '\n');
  if (r.status !== 201) throw new Error(`setup: POST ${kindPath} answered ${r.status}: ${await r.text()}`);
  return new URL(r.headers.get('location')!).pathname;
}

export async function seedWorld(base: string, token: string, otherToken: string): Promise<string[]> {
  const tag = await call(base, token, 'POST', '/-/', `Category: ${TAG_CATEGORY}; location="/tags/"\n`);
  if (tag.status !== 200) throw new Error(`setup: defining the tag mixin answered ${tag.status}: ${await tag.text()}`);
  const storages = [];
  for (let i = 0; i < 3; i++) {
    storages.push(await createEntity(base, token, '/storage/', [`Category: storage; scheme="${INFRA}"; class="kind"`, 'X-OCCI-Attribute: occi.storage.size=1']));
  }
  const network = await createEntity(base, token, '/network/', [`Category: network; scheme="${INFRA}"; class="kind"`, 'X-OCCI-Attribute: occi.core.title="fuzznet"']);
  const computes = [];
  for (let i = 0; i < 5; i++) {
    const lines = [`Category: compute; scheme="${INFRA}"; class="kind"`, `X-OCCI-Attribute: occi.core.title="vm-${i}"`];
    if (i < 2) {
      lines.push(`Link: </network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"`);
      lines.push(`Link: <${storages[i]}>; rel="${INFRA}storage"; category="${INFRA}storagelink"`);
    }
    if (i === 0) lines.push(`Category: ${TAG_CATEGORY}`);
    computes.push(await createEntity(base, token, '/compute/', lines));
  }
  const links: string[] = [];
  const listed = await fetch(`${base}/link/`, { headers: { 'X-Auth-Token': token } });
  for (const line of (await listed.text()).split('\n')) {
    if (line.startsWith('X-OCCI-Location:')) links.push(new URL(line.slice('X-OCCI-Location:'.length).trim()).pathname);
  }
  const theirs = await createEntity(base, otherToken, '/compute/', [`Category: compute; scheme="${INFRA}"; class="kind"`]);
  return [...computes, ...storages, network, ...links, theirs, '/tags/', '/compute/', '/storage/', '/network/', '/network/public'];
}
