// Rules of planning a compute creation (services/compute-plan.ts) that the
// Stryker run's survivors got past (issue 14): what the server create asks
// of Nova, and the public key and user data as a user may give them. The
// plan is pure: these call it as createCompute does, with the templates and
// the dialect it would pass.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { OPENSTACK, SYNNEFO } from '../../src/backends/openstack/dialect.js';
import { TemplateIndex, type ImageInfo } from '../../src/backends/openstack/mapping/templates.js';
import { checkBase64, keypairName, openSshKey, planServer, type PlanContext } from '../../src/backends/openstack/services/compute-plan.js';
import type { ResourceSpec } from '../../src/port/backend.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example';
const OTHER = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb bob@example';

const images: ImageInfo[] = [{ id: 'i1', name: 'debian' }];
const templates = new TemplateIndex(images, [{ id: 'f1', name: 'small', vcpus: 1, ram: 512, disk: 20 }]);
const ctx = (over: Partial<PlanContext> = {}): PlanContext => ({ templates, dialect: OPENSTACK, project: 'p1', microversion: '2.90', networks: new Map(), ...over });
const spec = (attributes: ResourceSpec['attributes'] = {}): ResourceSpec => ({ kind: 'compute', mixins: [templates.os[0]!, templates.resource[0]!], attributes, links: [] });
const refused = (pattern: RegExp) => (e: unknown): boolean => e instanceof OcciError && e.status === 400 && pattern.test(e.message);
/** The body as it goes on the wire. */
const wire = (body: unknown): unknown => JSON.parse(JSON.stringify(body));

describe('openstack compute plan: the server create', () => {
  it('a title is the server name; no title (or an empty one) names it occi-compute', () => {
    // 612
    assert.equal(planServer(spec({ 'occi.core.title': '' }), ctx()).body.name, 'occi-compute');
    assert.equal(planServer(spec({ 'occi.core.title': 'web' }), ctx()).body.name, 'web');
  });

  it('Synnefo: no summary asks for no metadata; a summary is its metadata item', () => {
    // 387
    const plain = wire(planServer(spec(), ctx({ dialect: SYNNEFO, microversion: undefined })).body) as Record<string, unknown>;
    assert.equal('metadata' in plain, false, JSON.stringify(plain));
    const described = wire(planServer(spec({ 'occi.core.summary': 'web' }), ctx({ dialect: SYNNEFO, microversion: undefined })).body) as Record<string, unknown>;
    assert.deepEqual(described.metadata, { 'occi.core.summary': 'web' });
  });
});

describe('openstack compute plan: user data and public keys as given', () => {
  it('D19: user data with characters outside Base64 is refused, wherever they are', () => {
    // 613 614
    for (const v of ['a!b?', '!!!!aGk=', 'aGk=!!!!']) assert.throws(() => checkBase64(v), refused(/must be Base64 text/), v);
    assert.equal(checkBase64('aGlo\naGk='), 'aGloaGk=');
  });

  it('D19: a key line with leading white space is taken, trimmed', () => {
    // 637
    assert.equal(openSshKey(`\n  ${KEY}\n`), KEY);
  });

  it('D19: a Base64-encoded key line is taken, its trailing newline dropped', () => {
    // 640
    assert.equal(openSshKey(Buffer.from(`${KEY}\n`).toString('base64')), KEY);
  });

  it('D19: text that only holds a key line somewhere after its start is no key', () => {
    // 631
    assert.throws(() => openSshKey(`my key: ${KEY}`), refused(/must be an OpenSSH public key line/));
  });

  it('R150: each key has its own keypair name, fixed by its type and body (a keypair imported earlier is found again), whatever its comment', () => {
    // 649 650
    const [type, body] = KEY.split(' ');
    // The first 16 hex digits of SHA-256("<type> <body>"): the name earlier versions gave this key.
    assert.equal(keypairName(KEY), 'snf-occi-ddb3aa00854e11fc');
    assert.equal(createHash('sha256').update(`${type} ${body}`).digest('hex').slice(0, 16), 'ddb3aa00854e11fc');
    assert.notEqual(keypairName(KEY), keypairName(OTHER));
    assert.equal(keypairName(KEY), keypairName(`${type} ${body} someone-else@example`));
  });
});
