// The OpenStack (and Synnefo) backend of snf-occi.
//
// Decisions worth knowing:
// - Identity: the caller's token is validated with Keystone v3 (self-
//   validation, no service account) or v2.0 (Astakos), and cached per token
//   until it expires (at most 10 min, bounded). X-Project-Id rescopes a v3
//   token; on Synnefo it names the project new resources are charged to.
// - ssh_key: the public key is imported as a Nova keypair named
//   snf-occi-<hash of the key> and passed as key_name (reused by later
//   creations); user_data (already Base64, D19) goes to Nova as is.
// - Ids: resources keep the cloud's ids; links are composites
//   (<server>_<port>, <server>_fip_<floating ip>, <server>_<volume>).
// - A link to an external network (router:external, e.g. `public`) is a
//   floating IP on the compute's port; addresses the bridge allocates are
//   marked and released with the link or the compute.
// - Availability zones (Nova) and the project's security groups (Neutron)
//   are provider mixins: a zone is chosen at creation only; groups are
//   given at creation or added/removed later (addSecurityGroup /
//   removeSecurityGroup on every port of the server). Synnefo has neither.
// - Actions wait (up to timeoutMs) for the server to settle, so the answer
//   shows the new state. Creation answers at once (state `inactive`, message BUILD, D36).
// - Cinder has no online/offline: those actions only check the state (409
//   otherwise). Backup answers 503 when the cloud has no backup service.
// - Synnefo: see dialect.ts. What it never does (suspend, save, network
//   up/down, volume resize and backup) is not advertised and answers 400
//   saying what to do instead; keys and user data go in as personality files
//   on releases without os-keypairs (before 0.19) or user_data (before 0.20).
import { dialectFor } from './dialect.js';
import { OpenStackBackend } from './backend.js';
import { Connector } from './cloud.js';
import { ComputeReader } from './services/compute-read.js';
import { RecentStates } from './caches/recent-states.js';
import { JsonHttp } from './clients/http.js';
import { Identity, keystoneChallenge } from './clients/keystone.js';
import { LinkService } from './services/link-service.js';
import { resolveOptions, type OpenStackOptions } from './options.js';
import { SnapshotCache } from './caches/snapshot-cache.js';
import { SubnetCache } from './caches/subnet-cache.js';
import { TemplateCache } from './caches/template-cache.js';
import { cloudDispatcher } from './clients/tls.js';
import { ZoneGroupCache } from './caches/zone-group-cache.js';
import type { Backend } from '../../port/backend.js';

export type { OpenStackOptions } from './options.js';

export function openOpenStackBackend(options: OpenStackOptions): Backend {
  const o = resolveOptions(options);
  const dialect = dialectFor(o.dialect, o.synnefoRelease);
  const challenge = keystoneChallenge(o.keystoneUrl);
  const dispatcher = cloudDispatcher({ caFile: o.caFile, insecure: o.insecure });
  const http = new JsonHttp({ timeoutMs: o.timeoutMs, challenge, dispatcher });
  const identity = new Identity(http, {
    keystoneUrl: o.keystoneUrl,
    version: dialect.identityVersion(o.identityVersion),
    scopeToProject: dialect.scopeTokenToProject,
    cacheSize: o.tokenCacheSize,
  });
  const templates = new TemplateCache(o.templateTtlMs);
  const zonesGroups = new ZoneGroupCache(o.templateTtlMs, o.securityGroupTtlMs);
  const reader = new ComputeReader(templates, zonesGroups);
  return new OpenStackBackend({
    dialect,
    identity,
    connector: new Connector(http, identity, dialect, o, new SubnetCache(o.securityGroupTtlMs)),
    templates,
    zonesGroups,
    reader,
    links: new LinkService(o.timeoutMs, templates),
    compute: { templates, reader, zonesGroups, recent: new RecentStates(), timeoutMs: o.timeoutMs },
    storage: { timeoutMs: o.timeoutMs, volumeType: o.volumeType, snapshots: new SnapshotCache(o.templateTtlMs) },
    closeConnections: () => dispatcher.close(),
  });
}
