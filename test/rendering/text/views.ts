// Minimal views built from the real catalogue, shared by the text rendering tests.
import type { EntityView } from '../../../src/rendering/document.js';
import {
  COMPUTE,
  COMPUTE_RESTART,
  COMPUTE_STOP,
  IPNETWORKINTERFACE,
  NETWORK,
  NETWORKINTERFACE,
} from '../../../src/model/infrastructure.js';
import { osTemplate, resourceTemplate } from '../../../src/model/templates.js';

export const BASE = 'http://occi.example.org';
export const COMPUTE_URL = `${BASE}/compute/6d4a`;
export const NETWORK_URL = `${BASE}/network/3f1c`;
export const NIC_URL = `${BASE}/networkinterface/a81b`;

export const DEBIAN = osTemplate({ id: 'img-1', term: 'debian12', title: 'Debian 12' });
export const SMALL = resourceTemplate({ id: 'fl-1', term: 'small', title: 'Small', cores: 2, ramMiB: 4096, diskGB: 20 });

export function nicView(): EntityView {
  return {
    kind: NETWORKINTERFACE,
    mixins: [IPNETWORKINTERFACE],
    location: NIC_URL,
    id: 'urn:uuid:a81b',
    attributes: [
      ['occi.core.id', 'urn:uuid:a81b'],
      ['occi.core.source', COMPUTE_URL],
      ['occi.core.target', NETWORK_URL],
      ['occi.networkinterface.interface', 'eth0'],
      ['occi.networkinterface.address', '10.0.0.5'],
    ],
    actions: [],
    links: [],
    source: { location: COMPUTE_URL, kind: COMPUTE },
    target: { location: NETWORK_URL, kind: NETWORK },
  };
}

export function computeView(overrides: Partial<EntityView> = {}): EntityView {
  return {
    kind: COMPUTE,
    mixins: [DEBIAN, SMALL],
    location: COMPUTE_URL,
    id: 'urn:uuid:6d4a',
    attributes: [
      ['occi.core.id', 'urn:uuid:6d4a'],
      ['occi.core.title', 'web-01'],
      ['occi.compute.cores', 2],
      ['occi.compute.memory', 4],
      ['occi.compute.state', 'active'],
    ],
    actions: [COMPUTE_STOP, COMPUTE_RESTART],
    links: [nicView()],
    ...overrides,
  };
}
