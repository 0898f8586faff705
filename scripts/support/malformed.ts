// Random and mutated OCCI requests, as raw bytes: valid requests of every kind
// (creates, updates, actions, filters, mixins, links, paging) in every
// rendering, with their values, headers, paths and bodies mutated, plus
// random requests and outright malformed HTTP. Used by the fuzz test and
// `npm run fuzz`. Every request is framed (its Content-Length matches), so
// the server never waits for bytes that do not come.
import { Prng } from './prng.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const ACTION = (kind: string): string => `http://schemas.ogf.org/occi/infrastructure/${kind}/action#`;

export interface FuzzTargets {
  /** Sent as X-Auth-Token on most requests; never placed anywhere else. */
  token: string;
  /** Another tenant's token, sent on some requests. */
  otherToken: string;
  /** Paths worth hitting: entities, kind and mixin locations. Grows with learn(). */
  paths: string[];
  /** Base URL of the server, for absolute URLs. */
  base: string;
}

export interface FuzzCase {
  /** What sort of request this is, for the report. */
  family: string;
  bytes: Buffer;
  head: boolean;
  /** The framing may be off (raw CR/LF, broken HTTP): use a fresh connection and close it after. */
  fresh: boolean;
  /** The User-Agent names an OCCI version above 1.2: the answer is 501 (R2). */
  newerOcci: boolean;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'];
const ODD_METHODS = ['PATCH', 'TRACE', 'PROPFIND', 'get', 'Post', 'FOO', 'M-SEARCH', 'LINK', 'PURGE', 'X'.repeat(300)];
const FIXED_PATHS = [
  '/', '/-/', '/.well-known/org/ogf/occi/-/', '/compute/', '/network/', '/storage/', '/networkinterface/', '/storagelink/',
  '/resource/', '/link/', '/compute', '/healthz', '/network/public', '/os_tpl/', '/resource_tpl/', '/tags/', '/nothing/',
  '/compute/00000000-0000-4000-8000-000000000000', '/compute/not-a-uuid', '/storage/1', '/.well-known/', '/mixin/',
];
const SPECIAL = [
  '"', '\\', ',', ';', '=', '<', '>', '\\"', '""', '\\\\', ' ', '\t', '%', '%2f', '%2F', '%00', '%zz', '..', '../', '/./',
  '/', '//', '#', '?', '&', 'é', 'ü', '中文', '😀', '\u0000', '\u200b', '\ufeff', '\ud800', '{', '}', '[', ']', '()',
  'null', 'true', '-1', '1e309', '0x10', 'NaN', "'", '`', '$', '*', '__proto__', 'constructor', 'prototype', 'toString',
  'http://evil.example.org/compute/x', '//evil.example.org/', 'scheme=', 'class="kind"', 'class="action"', 'rel=',
  'location="/x/"', 'attributes="a b{required}"', '\r\n', '\n', '\r', '\r\nX-Injected: yes', '\r\n\r\nGET / HTTP/1.1',
];
const LONG = [100, 1000, 5000, 70_000];
const ACCEPTS = [
  'text/plain', 'text/occi', 'text/uri-list', 'application/occi+json', 'application/json', 'text/occi+plain', '*/*',
  'text/*', 'application/*', 'image/png', 'text/plain;q=0', 'text/occi;q=0.5, application/occi+json;q=0.9', ';;;,,,',
  'application/occi+json; q=abc', 'text/html, */*;q=0.1', `${'a/b,'.repeat(200)}text/plain`,
];
const CONTENT_TYPES = [
  'text/plain', 'text/occi', 'text/uri-list', 'application/occi+json', 'application/json', 'text/occi+plain',
  'text/plain; charset=utf-8', 'application/occi+json; charset=latin1', 'application/xml', 'multipart/form-data; boundary=x',
  '', ';', 'a/b/c', 'TEXT/PLAIN', 'text/plain; charset="\\"', 'application/x-www-form-urlencoded',
];
const USER_AGENTS = ['rOCCI-cli OCCI/1.1', 'curl/8 OCCI/1.2', 'OCCI/1.1 OCCI/1.2', 'OCCI/1.0', 'OCCI/9.9', 'x'.repeat(500), 'OCCI/'];
const ATTRIBUTES: Array<[string, () => string]> = [
  ['occi.core.title', () => '"fuzz"'],
  ['occi.core.summary', () => '"a \\"quoted\\" summary, with; separators"'],
  ['occi.compute.cores', () => '2'],
  ['occi.compute.memory', () => '2.5'],
  ['occi.compute.hostname', () => '"host-1"'],
  ['occi.compute.architecture', () => '"x64"'],
  ['occi.compute.state', () => '"active"'],
  ['occi.core.id', () => '"urn:uuid:00000000-0000-4000-8000-000000000000"'],
  ['occi.storage.size', () => '1'],
  ['occi.network.vlan', () => '7'],
  ['occi.network.address', () => '"10.9.0.0/24"'],
  ['occi.networkinterface.address', () => '"10.0.0.9"'],
  ['occi.networkinterface.mac', () => '"52:54:00:aa:bb:cc"'],
  ['occi.storagelink.mountpoint', () => '"/mnt/x"'],
  ['occi.compute.userdata', () => '"aGVsbG8="'],
  ['occi.credentials.ssh.publickey', () => '"ssh-rsa AAAA"'],
  ['method', () => '"graceful"'],
  ['name', () => '"snap"'],
  ['occi.fuzz.unknown', () => '{"a": [1, 2]}'],
];

const kindCategory = (term: string): string => `${term}; scheme="${INFRA}"; class="kind"`;
const mixinCategory = (term: string, scheme: string): string => `${term}; scheme="${scheme}"; class="mixin"`;
const actionCategory = (kind: string, term: string): string => `${term}; scheme="${ACTION(kind)}"; class="action"`;

type Structure = [name: 'Category' | 'X-OCCI-Attribute' | 'Link' | 'X-OCCI-Location', value: string];

interface Seed {
  method: string;
  path: string;
  structures: Structure[];
}

export class RequestFuzzer {
  private readonly r: Prng;

  constructor(
    seed: number,
    private readonly targets: FuzzTargets,
  ) {
    this.r = new Prng(seed);
  }

  /** Remembers a path the server handed out (a created entity), keeping the pool bounded. */
  learn(path: string): void {
    const paths = this.targets.paths;
    if (paths.includes(path)) return;
    if (paths.length < 200) paths.push(path);
    else paths[this.r.int(paths.length)] = path;
  }

  next(): FuzzCase {
    const family = this.r.weighted<string>([
      [40, 'mutated-occi'],
      [15, 'json'],
      [10, 'random-request'],
      [8, 'text-body'],
      [5, 'uri-list'],
      [6, 'deep-or-big'],
      [8, 'limits'],
      [8, 'malformed-http'],
    ]);
    switch (family) {
      case 'mutated-occi':
        return this.mutatedOcci();
      case 'json':
        return this.json();
      case 'random-request':
        return this.randomRequest();
      case 'text-body':
        return this.textBody();
      case 'uri-list':
        return this.uriList();
      case 'deep-or-big':
        return this.deepOrBig();
      case 'limits':
        return this.limits();
      default:
        return this.malformedHttp();
    }
  }

  // ---- values ----

  private entityPath(prefix?: string): string {
    const paths = this.targets.paths.filter((p) => !p.endsWith('/') && (!prefix || p.startsWith(prefix)));
    return paths.length ? this.r.pick(paths) : `${prefix ?? '/compute/'}00000000-0000-4000-8000-000000000000`;
  }

  private anyPath(): string {
    return this.r.chance(0.5) ? this.r.pick(this.targets.paths.length ? this.targets.paths : FIXED_PATHS) : this.r.pick(FIXED_PATHS);
  }

  private url(path: string): string {
    return this.r.chance(0.5) ? `${this.targets.base}${path}` : path;
  }

  private long(): string {
    const n = this.r.pick(LONG);
    return this.r.pick(['a', 'é', '"', '\\', ',', ';', 'ab c', '%2f']).repeat(Math.ceil(n / 2));
  }

  /** A string with a few random edits: special characters, deletions, repeats, truncation. */
  mutate(s: string, edits = 1 + this.r.int(3)): string {
    let out = s;
    for (let i = 0; i < edits; i++) {
      const at = this.r.int(out.length + 1);
      switch (this.r.int(7)) {
        case 0:
        case 1:
          out = out.slice(0, at) + this.r.pick(SPECIAL) + out.slice(at);
          break;
        case 2:
          out = out.slice(0, at) + out.slice(at + 1 + this.r.int(8));
          break;
        case 3:
          out = out.slice(0, at) + out.slice(at, at + 10).repeat(2 + this.r.int(3)) + out.slice(at);
          break;
        case 4:
          out = out.slice(0, at);
          break;
        case 5:
          out = out.slice(0, at) + this.long() + out.slice(at);
          break;
        default:
          out = out.slice(0, at) + String.fromCharCode(this.r.int(0x250)) + out.slice(at);
      }
    }
    return out;
  }

  private attribute(): string {
    const [name, value] = this.r.pick(ATTRIBUTES);
    return `${name}=${value()}`;
  }

  private link(): string {
    if (this.r.chance(0.5)) {
      const target = this.r.chance(0.7) ? '/network/public' : this.entityPath('/network/');
      return `<${this.url(target)}>; rel="${INFRA}network"; category="${INFRA}networkinterface"; occi.networkinterface.address="10.0.0.${this.r.int(300)}"`;
    }
    return `<${this.url(this.entityPath('/storage/'))}>; rel="${INFRA}storage"; category="${INFRA}storagelink"; occi.storagelink.deviceid="vdb"`;
  }

  // ---- seeds: valid OCCI requests of every sort ----

  private seed(): Seed {
    const compute = this.entityPath('/compute/');
    const tag = mixinCategory('tag', 'http://example.com/tags#');
    const choices: Array<() => Seed> = [
      () => ({
        method: 'POST',
        path: '/compute/',
        structures: [
          ['Category', kindCategory('compute')],
          ['Category', this.r.pick(['Debian; scheme=;', 'C2R2048D20; scheme=;', `Ubuntu; scheme="${INFRA}"`, tag])],
          ['X-OCCI-Attribute', 'occi.core.title="fuzzed vm"'],
          ...(this.r.chance(0.5) ? ([['Link', this.link()]] as Structure[]) : []),
        ],
      }),
      () => ({ method: 'POST', path: '/storage/', structures: [['Category', kindCategory('storage')], ['X-OCCI-Attribute', 'occi.storage.size=1']] }),
      () => ({ method: 'POST', path: '/network/', structures: [['Category', kindCategory('network')], ['X-OCCI-Attribute', 'occi.network.vlan=3']] }),
      () => ({
        method: 'POST',
        path: `${compute}?action=${this.r.pick(['stop', 'start', 'restart', 'suspend', 'save', 'nope'])}`,
        structures: [['Category', actionCategory('compute', this.r.pick(['stop', 'start', 'restart', 'suspend', 'save']))], ['X-OCCI-Attribute', 'method="graceful"']],
      }),
      () => ({
        method: 'POST',
        path: `/compute/?action=stop`,
        structures: [['Category', actionCategory('compute', 'stop')]],
      }),
      () => ({
        method: 'POST',
        path: '/-/',
        structures: [['Category', `t${this.r.int(50)}; scheme="http://example.com/fuzz#"; class="mixin"; location="/fuzz${this.r.int(50)}/"; title="fuzz tag"`]],
      }),
      () => ({ method: 'DELETE', path: '/-/', structures: [['Category', `t${this.r.int(50)}; scheme="http://example.com/fuzz#"; class="mixin"`]] }),
      () => ({ method: this.r.pick(['POST', 'PUT', 'DELETE']), path: '/tags/', structures: [['X-OCCI-Location', this.url(compute)]] }),
      () => ({ method: 'PUT', path: compute, structures: [['Category', kindCategory('compute')], ['X-OCCI-Attribute', 'occi.core.title="replaced"'], ['Category', tag]] }),
      () => ({ method: 'PUT', path: `/compute/${this.uuid()}`, structures: [['Category', kindCategory('compute')]] }),
      () => ({ method: 'POST', path: compute, structures: [['X-OCCI-Attribute', this.attribute()], ['Category', tag]] }),
      () => ({ method: 'GET', path: this.r.pick(['/compute/', '/link/', '/resource/', '/', '/tags/']), structures: [['Category', this.r.pick([kindCategory('compute'), tag, 'Debian; scheme=;'])], ['X-OCCI-Attribute', this.attribute()]] }),
      () => ({
        method: 'POST',
        path: this.r.pick(['/networkinterface/', '/storagelink/']),
        structures: [
          ['Category', kindCategory(this.r.pick(['networkinterface', 'storagelink']))],
          ['X-OCCI-Attribute', `occi.core.source="${this.url(compute)}"`],
          ['X-OCCI-Attribute', `occi.core.target="${this.url(this.r.pick(['/network/public', this.entityPath('/storage/')]))}"`],
        ],
      }),
      () => ({ method: 'GET', path: `${this.r.pick(['/compute/', '/link/', '/'])}?page=${this.r.pick(['1', '2', '0', '-1', 'x', '99999999999'])}&number=${this.r.pick(['1', '2', '1000', '1001', '', '1e3'])}`, structures: [] }),
      () => ({ method: this.r.pick(['GET', 'HEAD', 'DELETE', 'OPTIONS']), path: this.entityPath(), structures: [] }),
      () => ({ method: 'GET', path: '/-/', structures: [['Category', this.r.pick([kindCategory('compute'), 'Debian; scheme=;', tag, 'stop; scheme=;'])]] }),
    ];
    return this.r.pick(choices)();
  }

  private uuid(): string {
    const hex = (n: number): string => Array.from({ length: n }, () => this.r.int(16).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
  }

  // ---- families ----

  /** A valid request whose structures are mutated, in text/occi, text/plain or header-only form. */
  private mutatedOcci(): FuzzCase {
    const seed = this.seed();
    let structures = seed.structures.map(([n, v]): Structure => [n, this.r.chance(0.6) ? this.mutate(v) : v]);
    if (this.r.chance(0.2)) structures = structures.concat(structures);
    if (this.r.chance(0.2) && structures.length > 1) structures.splice(this.r.int(structures.length), 1);
    if (this.r.chance(0.1)) structures.push([this.r.pick(['Category', 'X-OCCI-Attribute', 'Link', 'X-OCCI-Location']), this.long()]);
    const path = this.r.chance(0.2) ? this.mutatePath(seed.path) : seed.path;
    const inBody = this.r.chance(0.5);
    const headers = this.commonHeaders();
    let body = '';
    if (inBody) {
      headers.push(['Content-Type', this.r.chance(0.8) ? 'text/plain' : this.r.pick(CONTENT_TYPES)]);
      body = structures.map(([n, v]) => `${n}: ${v}`).join(this.r.chance(0.9) ? '\n' : '\r\n') + '\n';
    } else {
      headers.push(['Content-Type', this.r.chance(0.8) ? 'text/occi' : this.r.pick(CONTENT_TYPES)]);
      // Several values of one name, sometimes joined with commas, as text/occi allows (R120).
      const joined = this.r.chance(0.3);
      for (const name of ['Category', 'X-OCCI-Attribute', 'Link', 'X-OCCI-Location'] as const) {
        const values = structures.filter(([n]) => n === name).map(([, v]) => v);
        if (joined && values.length) headers.push([this.headerName(name), values.join(', ')]);
        else for (const v of values) headers.push([this.headerName(name), v]);
      }
    }
    return this.build('mutated-occi', seed.method, path, headers, body);
  }

  private headerName(name: string): string {
    if (!this.r.chance(0.15)) return name;
    return this.r.pick([name.toLowerCase(), name.toUpperCase(), name === 'Category' ? 'X-OCCI-Category' : name === 'Link' ? 'X-OCCI-Link' : name]);
  }

  private mutatePath(path: string): string {
    const ops: Array<() => string> = [
      () => `${path}../-/`,
      () => path.replace(/\//g, '%2f'),
      () => `${path}%2e%2e/`,
      () => `/compute/..${path}`,
      () => `${path}/./x`,
      () => `/${'a/'.repeat(this.r.pick([10, 100, 2100]))}`,
      () => `${path}${'x'.repeat(this.r.pick([200, 4100, 9000]))}`,
      () => encodeURI(`${path}é中😀`),
      () => `${path}%C3%A9%FF%FE`,
      () => `${path}%`,
      () => `http://evil.example.org${path}`,
      () => `//evil.example.org${path}`,
      () => `${path}?action=${this.mutate('stop')}`,
      () => `${path}?page=1;number=2;page=3`,
      () => `${path}#frag`,
      () => `${path}\\..\\`,
      () => path.toUpperCase(),
      () => `${path}?${'a=1&'.repeat(500)}`,
      () => this.mutate(path),
    ];
    return this.r.pick(ops)();
  }

  private commonHeaders(): Array<[string, string]> {
    const headers: Array<[string, string]> = [];
    const auth = this.r.weighted<string>([[85, 'alice'], [5, 'bob'], [4, 'none'], [3, 'garbage'], [3, 'both']]);
    if (auth === 'alice') headers.push([this.r.chance(0.2) ? 'Auth-Token' : 'X-Auth-Token', this.targets.token]);
    else if (auth === 'bob') headers.push(['X-Auth-Token', this.targets.otherToken]);
    else if (auth === 'garbage') headers.push(['X-Auth-Token', this.r.pick(['', ' ', 'x', this.long().slice(0, 3000), 'Bearer abc'])]);
    else if (auth === 'both') headers.push(['X-Auth-Token', this.targets.token], ['X-Auth-Token', this.targets.otherToken]);
    if (this.r.chance(0.7)) headers.push(['Accept', this.r.chance(0.8) ? this.r.pick(ACCEPTS.slice(0, 7)) : this.r.pick(ACCEPTS)]);
    if (this.r.chance(0.15)) headers.push(['User-Agent', this.r.pick(USER_AGENTS)]);
    if (this.r.chance(0.05)) headers.push(['X-Project-Id', this.r.pick(['p1', '', this.long().slice(0, 500)])]);
    if (this.r.chance(0.03)) headers.push(['Expect', '100-continue']);
    return headers;
  }

  private randomRequest(): FuzzCase {
    const method = this.r.chance(0.85) ? this.r.pick(METHODS) : this.r.pick(ODD_METHODS);
    const path = this.r.chance(0.5) ? this.mutatePath(this.anyPath()) : this.anyPath();
    const headers = this.commonHeaders();
    const n = this.r.int(4);
    for (let i = 0; i < n; i++) {
      headers.push([
        this.r.pick(['Category', 'X-OCCI-Attribute', 'Link', 'X-OCCI-Location', 'X-OCCI-Category', 'Content-Type', 'X-Random', 'Accept']),
        this.mutate(this.r.pick(['compute', this.attribute(), this.link(), this.entityPath(), 'text/plain', '']), 2),
      ]);
    }
    const body = this.r.chance(0.3) ? this.mutate(this.r.pick(['{}', '[]', 'Category: compute', `${this.targets.base}/compute/x`, '']), 3) : '';
    return this.build('random-request', method, path, headers, body);
  }

  private textBody(): FuzzCase {
    const lines: string[] = [];
    const n = 1 + this.r.int(12);
    for (let i = 0; i < n; i++) {
      const name = this.r.pick(['Category', 'X-OCCI-Attribute', 'Link', 'X-OCCI-Location', 'X-OCCI-Category', 'Bogus', '', 'category']);
      const value = this.r.pick([kindCategory('compute'), this.attribute(), this.link(), this.url(this.entityPath()), 'Debian; scheme=;']);
      lines.push(this.r.chance(0.5) ? `${name}: ${this.mutate(value)}` : `${name}: ${value}`);
    }
    if (this.r.chance(0.1)) lines.splice(this.r.int(lines.length), 0, this.long());
    const headers = this.commonHeaders();
    headers.push(['Content-Type', this.r.pick(['text/plain', 'text/occi+plain', 'text/plain; charset=utf-8', 'text/occi'])]);
    const method = this.r.pick(['POST', 'POST', 'PUT', 'DELETE', 'POST']);
    const path = this.r.pick(['/compute/', '/storage/', this.entityPath(), '/-/', '/tags/', '/networkinterface/']);
    return this.build('text-body', method, path, headers, lines.join(this.r.pick(['\n', '\r\n', '\r', '\n\n'])));
  }

  private uriList(): FuzzCase {
    const n = 1 + this.r.int(6);
    const lines = Array.from({ length: n }, () => {
      const u = this.url(this.entityPath());
      return this.r.chance(0.3) ? this.mutate(u) : u;
    });
    if (this.r.chance(0.3)) lines.push('# comment', '', 'http://evil.example.org/compute/x', '/compute/../-/');
    const headers = this.commonHeaders();
    headers.push(['Content-Type', 'text/uri-list']);
    return this.build('uri-list', this.r.pick(['POST', 'PUT', 'DELETE']), this.r.pick(['/tags/', '/compute/', '/os_tpl/', this.entityPath()]), headers, lines.join('\n'));
  }

  // ---- JSON ----

  private jsonValue(depth: number): unknown {
    const kind = this.r.int(depth > 3 ? 5 : 8);
    switch (kind) {
      case 0:
        return this.r.chance(0.5) ? this.mutate(this.r.pick(['compute', `${INFRA}compute`, '/compute/', 'x'])) : this.r.pick(SPECIAL);
      case 1:
        return this.r.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 4294967297, 1e-300]);
      case 2:
        return this.r.pick([true, false]);
      case 3:
        return null;
      case 4:
        return this.url(this.entityPath());
      case 5:
      case 6:
        return Array.from({ length: this.r.int(4) }, () => this.jsonValue(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        const n = this.r.int(5);
        for (let i = 0; i < n; i++) {
          o[this.r.pick(['kind', 'mixins', 'attributes', 'links', 'id', 'title', 'location', 'source', 'target', 'action', 'term', 'scheme', 'resources', '__proto__', 'constructor', 'occi.core.title', 'x'])] = this.jsonValue(depth + 1);
        }
        return o;
      }
    }
  }

  private jsonEntity(): Record<string, unknown> {
    const term = this.r.pick(['compute', 'storage', 'network']);
    const e: Record<string, unknown> = { kind: `${INFRA}${term}` };
    if (this.r.chance(0.5)) e.title = this.mutate('json vm');
    if (this.r.chance(0.4)) e.mixins = [this.r.pick([`http://schemas.snf-occi.org/occi/os_tpl#Debian`, 'http://example.com/tags#tag', `${INFRA}ssh_key`, 'Debian'])];
    if (this.r.chance(0.6)) {
      const attrs: Record<string, unknown> = {};
      for (let i = 0; i < 1 + this.r.int(3); i++) {
        const [name] = this.r.pick(ATTRIBUTES);
        attrs[this.r.chance(0.1) ? this.mutate(name) : name] = this.jsonValue(2);
      }
      e.attributes = attrs;
    }
    if (term === 'compute' && this.r.chance(0.4)) {
      e.links = [{ kind: `${INFRA}networkinterface`, target: { location: this.url('/network/public'), kind: `${INFRA}network` }, attributes: { 'occi.networkinterface.address': this.jsonValue(3) } }];
    }
    if (this.r.chance(0.1)) e.id = this.jsonValue(3);
    return e;
  }

  private json(): FuzzCase {
    const shape = this.r.int(8);
    let value: unknown;
    let method = 'POST';
    let path = this.r.pick(['/compute/', '/storage/', '/network/']);
    switch (shape) {
      case 0:
      case 1:
        value = this.jsonEntity();
        break;
      case 2:
        value = { resources: Array.from({ length: 1 + this.r.int(3) }, () => this.jsonEntity()), links: [] };
        break;
      case 3:
        value = { action: `${ACTION('compute')}${this.r.pick(['stop', 'start', 'save', 'x'])}`, attributes: { method: this.jsonValue(3) } };
        path = `${this.entityPath('/compute/')}?action=${this.r.pick(['stop', 'start', 'save'])}`;
        break;
      case 4:
        value = { mixins: [{ term: this.mutate('jt'), scheme: 'http://example.com/json#', location: `/json${this.r.int(20)}/`, title: this.jsonValue(3) }] };
        path = '/-/';
        method = this.r.pick(['POST', 'DELETE']);
        break;
      case 5:
        value = [this.url(this.entityPath()), this.url(this.entityPath())];
        path = '/tags/';
        method = this.r.pick(['POST', 'PUT', 'DELETE']);
        break;
      case 6:
        value = { kind: `${INFRA}networkinterface`, source: { location: this.url(this.entityPath('/compute/')) }, target: { location: this.url('/network/public'), kind: this.jsonValue(3) }, attributes: {} };
        path = '/networkinterface/';
        break;
      default:
        value = this.jsonValue(0);
        method = this.r.pick(['POST', 'PUT']);
        path = this.r.pick([path, this.entityPath()]);
    }
    if (this.r.chance(0.2)) {
      method = 'PUT';
      path = this.entityPath();
    }
    let body = JSON.stringify(value) ?? 'null';
    if (this.r.chance(0.25)) body = this.mutate(body);
    const headers = this.commonHeaders();
    headers.push(['Content-Type', this.r.chance(0.8) ? 'application/occi+json' : this.r.pick(['application/json', '', 'text/plain'])]);
    return this.build('json', method, path, headers, body);
  }

  private deepOrBig(): FuzzCase {
    const headers = this.commonHeaders();
    const n = this.r.pick([33, 1000, 100_000]);
    const bodies: Array<() => [string, string]> = [
      () => ['application/occi+json', '['.repeat(n) + ']'.repeat(n)],
      () => ['application/occi+json', '{"a":'.repeat(n) + '1' + '}'.repeat(n)],
      () => ['application/occi+json', '['.repeat(n)],
      () => ['application/occi+json', JSON.stringify({ kind: `${INFRA}compute`, attributes: { 'occi.core.title': 'x'.repeat(this.r.pick([1000, 65_536, 600_000])) } })],
      () => ['application/occi+json', `{"kind":"${INFRA}compute","title":"${'\\u0000'.repeat(1000)}"}`],
      () => ['application/occi+json', `{"kind":"${INFRA}compute"${',"title":"x"'.repeat(5000)}}`],
      () => ['application/occi+json', `{"kind":"${INFRA}compute","attributes":{${Array.from({ length: 2000 }, (_, i) => `"occi.x${i}":${i}`).join(',')}}}`],
      () => ['text/plain', `Category: ${kindCategory('compute')}\n${'X-OCCI-Attribute: occi.core.title="a"\n'.repeat(2000)}`],
      () => ['text/plain', `Category: ${kindCategory('compute')}; title="${'\\"'.repeat(40_000)}"\n`],
      () => ['text/plain', `Category: ${'compute,'.repeat(3000)}\n`],
      () => ['text/plain', `X-OCCI-Attribute: occi.core.title="${'\\'.repeat(70_001)}"\n`],
      () => ['text/plain', `Category: ${kindCategory('compute')}\nX-OCCI-Attribute: occi.core.title="${'é😀中'.repeat(20_000)}"\n`],
      () => ['text/uri-list', `${'/compute/x\n'.repeat(5000)}`],
      () => ['application/occi+json', `"${'\\ud800'.repeat(2000)}"`],
      () => ['application/occi+json', `${'1'.repeat(400)}e99999`],
    ];
    const [type, body] = this.r.pick(bodies)();
    headers.push(['Content-Type', type]);
    return this.build('deep-or-big', this.r.pick(['POST', 'PUT', 'POST']), this.r.pick(['/compute/', this.entityPath(), '/tags/', '/-/']), headers, body);
  }

  /** Requests at and past the per-request limits: structures, links, entities, page size, header size. */
  private limits(): FuzzCase {
    const headers = this.commonHeaders();
    const cases: Array<() => FuzzCase> = [
      () => this.build('limits', 'POST', '/compute/', [...headers, ['Content-Type', 'text/plain']], `Category: ${kindCategory('compute')}\n${Array.from({ length: this.r.pick([100, 101, 1001]) }, () => `Link: ${this.link()}`).join('\n')}\n`),
      () => this.build('limits', 'POST', '/compute/', [...headers, ['Content-Type', 'text/plain']], `Category: ${kindCategory('compute')}\n${Array.from({ length: this.r.pick([999, 1000, 1001]) }, (_, i) => `X-OCCI-Attribute: occi.x${i}=1`).join('\n')}\n`),
      () => this.build('limits', 'POST', '/compute/', [...headers, ['Content-Type', 'application/occi+json']], JSON.stringify({ resources: Array.from({ length: this.r.pick([100, 101, 1001]) }, () => ({ kind: `${INFRA}storage`, attributes: { 'occi.storage.size': 1 } })) })),
      () => this.build('limits', 'POST', '/tags/', [...headers, ['Content-Type', 'text/uri-list']], Array.from({ length: this.r.pick([100, 101, 1001]) }, () => this.entityPath()).join('\n')),
      () => this.build('limits', 'GET', `/compute/?page=1&number=${this.r.pick([1000, 1001, 5000, 999_999_999])}`, headers, ''),
      () => this.build('limits', 'GET', '/compute/', [...headers, ...Array.from({ length: 200 }, (): [string, string] => ['Category', kindCategory('compute')])], ''),
      () => this.build('limits', 'GET', '/-/', [...headers, ['X-Big', 'a'.repeat(this.r.pick([15_000, 17_000, 40_000]))]], ''),
      () => this.build('limits', 'POST', '/compute/', [...headers, ['Content-Type', 'text/plain']], `${'x'.repeat(1024 * 1024 + 10)}`),
    ];
    return this.r.pick(cases)();
  }

  /** HTTP the parser must refuse (400, 431, 501 …) without dropping the connection silently. */
  private malformedHttp(): FuzzCase {
    const auth = `X-Auth-Token: ${this.targets.token}\r\n`;
    const raw: string[] = [
      'BLAH\r\n\r\n',
      'GET\r\n\r\n',
      'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
      `GET /-/ HTTP/1.1\nHost: x\n${auth.replace('\r\n', '\n')}\n`,
      `GET /-/ HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: x\r\n${auth}Category: compute;\r\n  scheme="${INFRA}"\r\n\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n`,
      `POST /compute/ HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: abc\r\n\r\n`,
      `POST /compute/ HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`,
      `POST /compute/ HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      `POST /compute/ HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n${Buffer.byteLength(`Category: ${kindCategory('compute')}\n`).toString(16)}\r\nCategory: ${kindCategory('compute')}\n\r\n0\r\n\r\n`,
      `POST /compute/ HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\n\r\nzz\r\n`,
      `POST /compute/ HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`,
      `OPTIONS * HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `GET http://evil.example.org/-/ HTTP/1.1\r\nHost: evil.example.org\r\n${auth}\r\n`,
      `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /compute/\u00e9\u4e2d HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `GET /compute/ HTTP/1.0\r\n${auth}\r\n`,
      `GET /compute/ HTTP/1.1\r\n${auth}\r\n`,
      `GET /compute/ HTTP/1.1\r\nHost: x\r\nHost: y\r\n${auth}\r\n`,
      `GET /compute/ HTTP/1.1\r\nHost: evil.example.org/\r\n\r\nx\r\n${auth}\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: x\r\n${auth}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: x\r\n${auth}Expect: 100-continue\r\n\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: x\r\n${auth}Expect: something-else\r\n\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: x\r\n${auth}${'X-Many: 1\r\n'.repeat(3000)}\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: \u00ff\u00fe\r\n${auth}\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: [::1\r\n${auth}\r\n`,
      `GET /-/ HTTP/1.1\r\nHost: x\r\n${auth}Category: ${kindCategory('compute')}\r\nCategory: \u00e9\u00e8\r\n\r\n`,
      `\r\n\r\nGET /-/ HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `GET  /-/  HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `GET /-/ HTTP/1.1 extra\r\nHost: x\r\n\r\n`,
      `CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n${auth}\r\n`,
      `CONNECT /compute/ HTTP/1.1\r\nHost: x\r\n\r\n`,
    ];
    const text = this.r.pick(raw);
    // Header bytes travel as latin1 here, so é is one byte (obs-text), as a sloppy client would send it.
    return { family: 'malformed-http', bytes: Buffer.from(text, 'latin1'), head: false, fresh: true, newerOcci: false };
  }

  // ---- framing ----

  /** Serialises a request: Host, Content-Length and the token first, then the fuzzed headers, then the body. */
  private build(family: string, method: string, target: string, headers: Array<[string, string]>, body: string): FuzzCase {
    const encoding: BufferEncoding = this.r.chance(0.9) ? 'utf8' : 'latin1';
    const bodyBytes = Buffer.from(body, encoding);
    const lines = [`${method} ${target} HTTP/1.1`, `Host: ${new URL(this.targets.base).host}`];
    if (bodyBytes.length > 0 || method === 'POST' || method === 'PUT') lines.push(`Content-Length: ${bodyBytes.length}`);
    for (const [name, value] of headers) lines.push(`${name}: ${value}`);
    const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', encoding);
    const fresh = /[\r\n]/.test(target) || headers.some(([n, v]) => /[\r\n]/.test(n + v));
    const newerOcci = headers.some(([n, v]) => n.toLowerCase() === 'user-agent' && /OCCI\/(?:[2-9]|1\.[3-9])/.test(v));
    return { family, bytes: Buffer.concat([head, bodyBytes]), head: method === 'HEAD', fresh, newerOcci };
  }
}
