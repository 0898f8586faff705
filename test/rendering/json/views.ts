// Test fixtures: entity views built from the real catalogue, the way the
// operations layer builds them (occi.core.* values included in attributes).
import { typeId, type Action, type AttributeValue, type Kind, type Mixin } from '../../../src/model/category.js';
import { COMPUTE, IPNETWORKINTERFACE, NETWORK, NETWORKINTERFACE } from '../../../src/model/infrastructure.js';
import { osTemplate, resourceTemplate } from '../../../src/model/templates.js';
import type { EntityView } from '../../../src/rendering/document.js';

export const BASE = 'https://occi.example.org';

export const DEBIAN = osTemplate({ id: 'img-1', term: 'debian12', title: 'Debian 12', scheme: 'http://occi.example.org/occi/os_tpl#' });
export const SMALL = resourceTemplate({
  id: 'flv-1',
  term: 'small',
  scheme: 'http://occi.example.org/occi/resource_tpl#',
  cores: 2,
  ramMiB: 4096,
  diskGB: 20,
});

export interface ResourceSpec {
  kind: Kind;
  mixins?: Mixin[];
  id: string;
  title?: string;
  summary?: string;
  attributes?: Array<[string, AttributeValue]>;
  actions?: Action[];
  links?: EntityView[];
  location: string;
}

export function resourceView(s: ResourceSpec): EntityView {
  const core: Array<[string, AttributeValue]> = [['occi.core.id', s.id]];
  if (s.title !== undefined) core.push(['occi.core.title', s.title]);
  if (s.summary !== undefined) core.push(['occi.core.summary', s.summary]);
  return {
    kind: s.kind,
    mixins: s.mixins ?? [],
    location: s.location,
    id: s.id,
    attributes: [...core, ...(s.attributes ?? [])],
    actions: s.actions ?? [],
    links: s.links ?? [],
  };
}

export interface LinkSpec {
  kind: Kind;
  mixins?: Mixin[];
  id: string;
  title?: string;
  attributes?: Array<[string, AttributeValue]>;
  source: { location: string; kind?: Kind };
  target: { location: string; kind?: Kind };
  location: string;
}

export function linkView(s: LinkSpec): EntityView {
  const core: Array<[string, AttributeValue]> = [['occi.core.id', s.id]];
  if (s.title !== undefined) core.push(['occi.core.title', s.title]);
  core.push(['occi.core.source', s.source.location], ['occi.core.target', s.target.location]);
  if (s.target.kind) core.push(['occi.core.target.kind', typeId(s.target.kind)]);
  return {
    kind: s.kind,
    mixins: s.mixins ?? [],
    location: s.location,
    id: s.id,
    attributes: [...core, ...(s.attributes ?? [])],
    actions: [],
    links: [],
    source: s.source,
    target: s.target,
  };
}

/** The compute of spec §5.7, with absolute URLs (D34). */
export function exampleCompute(): EntityView {
  const computeUrl = `${BASE}/compute/6d4a0c1e-9b7f-4c52-a1d2-2f0e8c7b5a10`;
  const nic = linkView({
    kind: NETWORKINTERFACE,
    mixins: [IPNETWORKINTERFACE],
    id: 'urn:uuid:a81b6f0e-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
    attributes: [
      ['occi.networkinterface.interface', 'eth0'],
      ['occi.networkinterface.mac', '52:54:00:12:34:56'],
      ['occi.networkinterface.state', 'active'],
      ['occi.networkinterface.address', '10.0.0.5'],
      ['occi.networkinterface.allocation', 'dynamic'],
    ],
    source: { location: computeUrl, kind: COMPUTE },
    target: { location: `${BASE}/network/3f1c`, kind: NETWORK },
    location: `${BASE}/networkinterface/a81b6f0e-1c2d-4e3f-8a9b-0c1d2e3f4a5b`,
  });
  const actions = COMPUTE.actions.filter((a) => a.term !== 'start');
  return resourceView({
    kind: COMPUTE,
    mixins: [DEBIAN, SMALL],
    id: 'urn:uuid:6d4a0c1e-9b7f-4c52-a1d2-2f0e8c7b5a10',
    title: 'web-01',
    summary: 'front-end node',
    attributes: [
      ['occi.compute.architecture', 'x64'],
      ['occi.compute.cores', 2],
      ['occi.compute.memory', 4.0],
      ['occi.compute.hostname', 'web-01.example.org'],
      ['occi.compute.state', 'active'],
      ['occi.compute.state.message', 'running'],
    ],
    actions,
    links: [nic],
    location: computeUrl,
  });
}
