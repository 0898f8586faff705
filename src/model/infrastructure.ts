// The OCCI Core kinds (spec §1.7) and the Infrastructure extension (spec §2):
// kinds, mixins and actions with every attribute, exactly as the tables give them.
import { attr, enumAttr, immutable } from './attribute-builders.js';
import { attributeMap, type Action, type AttributeDefinition, type Kind, type Mixin } from './category.js';
import * as S from './schemes.js';

function action(scheme: string, term: string, title: string, attributes: AttributeDefinition[] = []): Action {
  return { class: 'action', scheme, term, title, attributes: attributeMap(attributes) };
}

function kind(
  scheme: string,
  term: string,
  title: string,
  parent: Kind | undefined,
  location: string | undefined,
  attributes: AttributeDefinition[],
  actions: Action[] = [],
): Kind {
  return { class: 'kind', scheme, term, title, parent, location, attributes: attributeMap(attributes), actions };
}

function mixin(
  scheme: string,
  term: string,
  title: string,
  location: string,
  o: { attributes?: AttributeDefinition[]; applies?: Kind[]; depends?: Mixin[]; actions?: Action[] } = {},
): Mixin {
  return {
    class: 'mixin',
    scheme,
    term,
    title,
    location,
    attributes: attributeMap(o.attributes ?? []),
    applies: o.applies ?? [],
    depends: o.depends ?? [],
    actions: o.actions ?? [],
    origin: 'model',
  };
}

const stateMessage = (name: string): AttributeDefinition =>
  immutable(attr(`${name}.state.message`, 'string', 'Human-readable explanation of the current state'));
const linkStates = ['active', 'inactive', 'error'] as const;

// ---- Core (spec §1.7) ----
export const ENTITY = kind(S.CORE, 'entity', 'Entity', undefined, undefined, [
  immutable(attr('occi.core.id', 'string', 'Unique identifier of the entity')),
  attr('occi.core.title', 'string', 'Display name of the entity'),
]);
export const RESOURCE = kind(S.CORE, 'resource', 'Resource', ENTITY, '/resource/', [
  attr('occi.core.summary', 'string', 'Short summary of the resource'),
]);
// A link's ends are given at creation and never change (D27): required, yet immutable.
const linkEnd = (def: AttributeDefinition): AttributeDefinition => ({ ...def, mutable: false });
export const LINK = kind(S.CORE, 'link', 'Link', ENTITY, '/link/', [
  linkEnd(attr('occi.core.source', 'uri', 'Location of the source resource; set at creation', { required: true })),
  linkEnd(attr('occi.core.target', 'uri', 'Location of the target resource; set at creation', { required: true })),
  immutable(attr('occi.core.target.kind', 'string', 'Kind of the target resource')),
]);

// ---- Compute (spec §2.2) ----
export const COMPUTE_START = action(S.COMPUTE_ACTIONS, 'start', 'Start compute');
export const COMPUTE_STOP = action(S.COMPUTE_ACTIONS, 'stop', 'Stop compute', [
  enumAttr('method', ['graceful', 'acpioff', 'poweroff'], 'How to stop', { default: 'poweroff' }),
]);
export const COMPUTE_RESTART = action(S.COMPUTE_ACTIONS, 'restart', 'Restart compute', [
  enumAttr('method', ['graceful', 'warm', 'cold'], 'How to restart', { default: 'cold' }),
]);
export const COMPUTE_SUSPEND = action(S.COMPUTE_ACTIONS, 'suspend', 'Suspend compute', [
  enumAttr('method', ['hibernate', 'suspend'], 'How to suspend', { default: 'suspend' }),
]);
export const COMPUTE_SAVE = action(S.COMPUTE_ACTIONS, 'save', 'Save compute as a new OS template', [
  enumAttr('method', ['hot', 'deferred'], 'Save while running or after stopping', { default: 'deferred' }),
  attr('name', 'string', 'Name of the new OS template'),
]);

/** The 1.2 enum (R91): a compute the cloud is still building is inactive, its state message says so. */
export const COMPUTE_STATES = ['active', 'inactive', 'suspended', 'error'] as const;
export type ComputeState = (typeof COMPUTE_STATES)[number];

export const COMPUTE = kind(
  S.INFRA,
  'compute',
  'Compute Resource',
  RESOURCE,
  '/compute/',
  [
    enumAttr('occi.compute.architecture', ['x86', 'x64'], 'CPU architecture of the instance'),
    attr('occi.compute.cores', 'integer', 'Number of virtual CPU cores', { minimum: 1 }),
    attr('occi.compute.hostname', 'string', 'Fully qualified DNS hostname'),
    attr('occi.compute.share', 'integer', 'Relative CPU share', { minimum: 0 }),
    attr('occi.compute.memory', 'float', 'Maximum RAM in gigabytes', { minimum: 0 }),
    immutable(enumAttr('occi.compute.state', COMPUTE_STATES, 'Current state', { default: 'inactive' })),
    stateMessage('occi.compute'),
  ],
  [COMPUTE_START, COMPUTE_STOP, COMPUTE_RESTART, COMPUTE_SUSPEND, COMPUTE_SAVE],
);

// ---- Network (spec §2.3) ----
export const NETWORK_UP = action(S.NETWORK_ACTIONS, 'up', 'Bring the network up');
export const NETWORK_DOWN = action(S.NETWORK_ACTIONS, 'down', 'Take the network down');
export const NETWORK_STATES = ['active', 'inactive', 'error'] as const;
export const NETWORK = kind(
  S.INFRA,
  'network',
  'Network Resource',
  RESOURCE,
  '/network/',
  [
    attr('occi.network.vlan', 'integer', '802.1q VLAN identifier', { minimum: 0, maximum: 4095 }),
    attr('occi.network.label', 'string', 'Tag-based VLAN name', {
      pattern: '^[A-Za-z0-9._~+-]+$',
      patternText: 'a single word of letters, digits and . _ ~ + - (e.g. external-dmz)',
    }),
    immutable(enumAttr('occi.network.state', NETWORK_STATES, 'Current state', { default: 'inactive' })),
    stateMessage('occi.network'),
  ],
  [NETWORK_UP, NETWORK_DOWN],
);

// ---- Storage (spec §2.4; backup, snapshot and resize are the 1.1 actions, D32) ----
export const STORAGE_ONLINE = action(S.STORAGE_ACTIONS, 'online', 'Bring the storage online');
export const STORAGE_OFFLINE = action(S.STORAGE_ACTIONS, 'offline', 'Take the storage offline');
export const STORAGE_BACKUP = action(S.STORAGE_ACTIONS, 'backup', 'Back up the storage (OCCI 1.1)');
export const STORAGE_SNAPSHOT = action(S.STORAGE_ACTIONS, 'snapshot', 'Take a snapshot of the storage (OCCI 1.1)');
export const STORAGE_RESIZE = action(S.STORAGE_ACTIONS, 'resize', 'Resize the storage (OCCI 1.1)', [
  attr('size', 'float', 'New size in gigabytes', { required: true, minimum: 0 }),
]);
export const STORAGE_STATES = ['online', 'offline', 'error'] as const;
export const STORAGE = kind(
  S.INFRA,
  'storage',
  'Storage Resource',
  RESOURCE,
  '/storage/',
  [
    attr('occi.storage.size', 'float', 'Storage size in gigabytes', { required: true, minimum: 0 }),
    immutable(enumAttr('occi.storage.state', STORAGE_STATES, 'Current state', { default: 'offline' })),
    stateMessage('occi.storage'),
  ],
  [STORAGE_ONLINE, STORAGE_OFFLINE, STORAGE_BACKUP, STORAGE_SNAPSHOT, STORAGE_RESIZE],
);

// ---- Links (spec §2.5, §2.6). mac and deviceid are server-generated, so not required (D13). ----
export const NETWORKINTERFACE = kind(S.INFRA, 'networkinterface', 'NetworkInterface Link', LINK, '/networkinterface/', [
  immutable(attr('occi.networkinterface.interface', 'string', 'Device name, e.g. eth0')),
  attr('occi.networkinterface.mac', 'string', 'MAC address', {
    pattern: '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$',
    patternText: 'a MAC address: six pairs of hex digits joined by colons (e.g. 52:54:00:12:34:56)',
  }),
  immutable(enumAttr('occi.networkinterface.state', linkStates, 'Current state', { default: 'inactive' })),
  stateMessage('occi.networkinterface'),
]);
export const STORAGELINK = kind(S.INFRA, 'storagelink', 'StorageLink Link', LINK, '/storagelink/', [
  attr('occi.storagelink.deviceid', 'string', 'Device identifier, e.g. /dev/vdb'),
  attr('occi.storagelink.mountpoint', 'string', 'Mount point inside the guest'),
  immutable(enumAttr('occi.storagelink.state', linkStates, 'Current state', { default: 'inactive' })),
  stateMessage('occi.storagelink'),
]);

// ---- Mixins (spec §2.3, §2.5, §2.8, §2.9) ----
export const IPNETWORK = mixin(S.NETWORK_MIXINS, 'ipnetwork', 'IP network', '/mixin/ipnetwork/', {
  applies: [NETWORK],
  attributes: [
    attr('occi.network.address', 'string', 'IP range in CIDR notation'),
    attr('occi.network.gateway', 'string', 'Gateway IP address'),
    enumAttr('occi.network.allocation', ['dynamic', 'static'], 'Address allocation (dynamic means DHCP)'),
  ],
});
export const IPNETWORKINTERFACE = mixin(
  S.NETWORKINTERFACE_MIXINS,
  'ipnetworkinterface',
  'IP network interface',
  '/mixin/ipnetworkinterface/',
  {
    applies: [NETWORKINTERFACE],
    attributes: [
      attr('occi.networkinterface.address', 'string', 'IP address of the interface'),
      attr('occi.networkinterface.gateway', 'string', 'Gateway IP address'),
      enumAttr('occi.networkinterface.allocation', ['dynamic', 'static'], 'Address allocation'),
    ],
  },
);
export const OS_TPL = mixin(S.INFRA, 'os_tpl', 'OS Template', '/os_tpl/', { applies: [COMPUTE] });
export const RESOURCE_TPL = mixin(S.INFRA, 'resource_tpl', 'Resource Template', '/resource_tpl/', { applies: [COMPUTE] });
export const SSH_KEY = mixin(S.CREDENTIALS, 'ssh_key', 'SSH key credentials', '/mixin/ssh_key/', {
  applies: [COMPUTE],
  attributes: [attr('occi.credentials.ssh.publickey', 'string', 'OpenSSH public key to inject', { required: true })],
});
/** Base64 text, line breaks allowed between characters (D19); one pass, no backtracking. */
const BASE64_TEXT = '^[\\r\\n]*(?:[A-Za-z0-9+/][\\r\\n]*)*(?:=[\\r\\n]*){0,2}$';
const BASE64_WORDS = 'Base64 text (letters, digits, + and /, up to two = at the end; line breaks allowed): encode the data first, e.g. base64 -w0 cloud-init.yaml';

export const USER_DATA = mixin(S.COMPUTE_MIXINS, 'user_data', 'Contextualization user data', '/mixin/user_data/', {
  applies: [COMPUTE],
  attributes: [attr('occi.compute.userdata', 'string', 'Base64-encoded user data, given once at creation', { required: true, pattern: BASE64_TEXT, patternText: BASE64_WORDS })],
});

// ---- The OpenStack-named contextualization mixins ooi clients send; the bridge maps them onto ssh_key and user_data. ----
export const OPENSTACK_PUBLIC_KEY = mixin('http://schemas.openstack.org/instance/credentials#', 'public_key', 'SSH public key (OpenStack style)', '/mixin/openstack/public_key/', {
  applies: [COMPUTE],
  attributes: [
    attr('org.openstack.credentials.publickey.name', 'string', 'Name of the key pair'),
    attr('org.openstack.credentials.publickey.data', 'string', 'OpenSSH public key to inject', { required: true }),
  ],
});
export const OPENSTACK_USER_DATA = mixin('http://schemas.openstack.org/compute/instance#', 'user_data', 'User data (OpenStack style)', '/mixin/openstack/user_data/', {
  applies: [COMPUTE],
  attributes: [attr('org.openstack.compute.user_data', 'string', 'Base64-encoded user data, given once at creation', { required: true, pattern: BASE64_TEXT, patternText: BASE64_WORDS })],
});

// ---- snf-occi's abstract parents of availability zones and security groups (provider mixins depend on them). ----
export const AVAILABILITY_ZONE = mixin(S.PROVIDER_INFRA, 'availability_zone', 'Availability zone', '/availability_zone/', { applies: [COMPUTE] });
export const SECURITY_GROUP = mixin(S.PROVIDER_INFRA, 'security_group', 'Security group', '/security_group/', { applies: [COMPUTE] });

export const MODEL_KINDS: readonly Kind[] = [ENTITY, RESOURCE, LINK, COMPUTE, NETWORK, STORAGE, NETWORKINTERFACE, STORAGELINK];
export const MODEL_MIXINS: readonly Mixin[] = [IPNETWORK, IPNETWORKINTERFACE, OS_TPL, RESOURCE_TPL, SSH_KEY, USER_DATA, OPENSTACK_PUBLIC_KEY, OPENSTACK_USER_DATA, AVAILABILITY_ZONE, SECURITY_GROUP];

/** The kinds whose instances the backend manages. */
export const RESOURCE_KINDS = [COMPUTE, NETWORK, STORAGE] as const;
export const LINK_KINDS = [NETWORKINTERFACE, STORAGELINK] as const;
export type BackendKind = 'compute' | 'network' | 'storage' | 'networkinterface' | 'storagelink';
