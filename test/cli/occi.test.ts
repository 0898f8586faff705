// The occi command, run as a real binary against a live snf-occi: the whole
// life of a compute with table, json and value output; errors and exit codes;
// --wait on a compute that goes to error; --debug, --raw, colour, completion, help.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ALICE, startServer, type TestServer } from '../helpers/server.js';
import { occi } from './occi-run.js';

let server: TestServer;
let env: Record<string, string>;
const cache = mkdtempSync(join(tmpdir(), 'occi-cache-'));

before(async () => {
  server = await startServer((c) => {
    c.local.failingImages = ['CentOS'];
  });
  env = { OCCI_ENDPOINT: server.url, OCCI_TOKEN: ALICE, XDG_CACHE_HOME: cache };
});
after(() => server.close());

const json = (s: string): any => JSON.parse(s);

/** A port nothing listens on: bound, then released. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('occi: the life of a compute', () => {
  test('create --wait, show, stop --wait, start, link a volume, unlink, delete --wait', async () => {
    const made = await occi(['create', 'compute', '--os-tpl', 'Debian', '--resource-tpl', 'C2R2048D20', '--title', 'web1', '--link', 'network/public', '--wait'], env);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /│ state\s+│ active/);
    assert.match(made.stdout, /│ title\s+│ web1/);
    assert.match(made.stderr, /web1 is active/, 'plain progress lines when stderr is not a terminal');

    const listed = await occi(['list', 'compute'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /│ id\s+│ title │ state\s+│ cores │ memory │ addresses/);
    assert.match(listed.stdout, /web1\s+│ active\s+│ 2\s+│ 2\s+│ 203\.0\.113\.\d+/);

    const shown = await occi(['show', 'web1', '-o', 'json'], env);
    assert.equal(shown.code, 0, shown.stderr);
    const record = json(shown.stdout);
    assert.equal(record.title, 'web1');
    assert.equal(record.state, 'active');
    assert.deepEqual(record.mixins, ['Debian', 'C2R2048D20']);
    assert.ok(record.actions.includes('stop') && !record.actions.includes('start'));
    const id: string = record.id;
    assert.equal((await occi(['show', id, '-o', 'value', '-c', 'state'], env)).stdout, 'active\n');

    const stopped = await occi(['action', 'stop', 'web1', '--method', 'graceful', '--wait', '-o', 'value', '-c', 'state'], env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(stopped.stdout, 'inactive\n');
    const started = await occi(['action', 'start', `compute/${id}`, '--wait', '-o', 'json'], env);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(json(started.stdout)[0].state, 'active');

    const vol = await occi(['create', 'storage', '--size', '2', '--title', 'data', '--wait', '-o', 'value', '-c', 'id'], env);
    assert.equal(vol.code, 0, vol.stderr);
    const volId = vol.stdout.trim();
    const link = await occi(['link', 'web1', 'data', '--device', '/dev/vdb', '-o', 'json'], env);
    assert.equal(link.code, 0, link.stderr);
    assert.equal(json(link.stdout).kind, 'storagelink');
    assert.equal(json(link.stdout).attributes['occi.storagelink.deviceid'], '/dev/vdb');
    const linkId = `storagelink/${json(link.stdout).id}`;
    const links = await occi(['show', 'web1', '-o', 'value', '-c', 'links'], env);
    assert.match(links.stdout, new RegExp(`${linkId} → storage/${volId} \\(/dev/vdb\\)`));
    const unlinked = await occi(['unlink', linkId, '-o', 'value'], env);
    assert.equal(unlinked.code, 0, unlinked.stderr);
    assert.equal(unlinked.stdout, `${linkId}\tdeleted\n`);
    assert.doesNotMatch((await occi(['show', 'web1', '-o', 'value', '-c', 'links'], env)).stdout, /storagelink/);

    const deleted = await occi(['delete', 'web1', 'data', '--wait'], env);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /compute\/\S+\s+│ deleted/);
    assert.match(deleted.stderr, /is gone/);
    const gone = await occi(['show', id], env);
    assert.equal(gone.code, 3, 'not found');
    assert.match(gone.stderr, /no compute, storage, network, networkinterface, storagelink with id or title/);
  });

  test('--wait on a compute whose boot fails exits 6 with the cloud message', async () => {
    const r = await occi(['create', 'compute', '--os-tpl', 'CentOS', '--title', 'doomed', '--wait'], env);
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /doomed went to error: boot failed: image CentOS is set to fail/);
    assert.equal((await occi(['delete', 'doomed'], env)).code, 0);
  });
});

describe('occi: contextualization, networks, names', () => {
  test('--ssh-key and --user-data files; a network from --cidr; an ambiguous title lists the candidates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'occi-ctx-'));
    writeFileSync(join(dir, 'id.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgnsYV5v0hvAbBpl3H0JQ0RCBhEsoBCcjlUNyHXV1rm me@host\n');
    writeFileSync(join(dir, 'init.yaml'), '#cloud-config\nruncmd:\n  - echo hello\n');
    const vm = await occi(['create', 'compute', '--title', 'ctx', '--ssh-key', join(dir, 'id.pub'), '--user-data', join(dir, 'init.yaml'), '-o', 'json'], env);
    assert.equal(vm.code, 0, vm.stderr);
    const made = json(vm.stdout);
    assert.ok(made.mixins.includes('ssh_key') && made.mixins.includes('user_data'), made.mixins.join(' '));
    assert.equal(made.attributes['occi.credentials.ssh.publickey'], 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgnsYV5v0hvAbBpl3H0JQ0RCBhEsoBCcjlUNyHXV1rm me@host');
    assert.equal(Buffer.from(made.attributes['occi.compute.userdata'], 'base64').toString(), '#cloud-config\nruncmd:\n  - echo hello\n');
    const missing = await occi(['create', 'compute', '--ssh-key', join(dir, 'nope.pub')], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--ssh-key .*nope\.pub: cannot read it \(ENOENT\)/);

    const net = await occi(['create', 'network', '--cidr', '10.9.0.0/24', '--title', 'lan', '-o', 'value', '-c', 'attributes'], env);
    assert.equal(net.code, 0, net.stderr);
    assert.match(net.stdout, /"occi\.network\.address":"10\.9\.0\.0\/24"/);

    const resized = await occi(['update', 'lan', '--title', 'lan2', '--attribute', 'vlan=12', '-o', 'json'], env);
    assert.equal(resized.code, 0, resized.stderr);
    assert.equal(json(resized.stdout).title, 'lan2');
    assert.equal(json(resized.stdout).attributes['occi.network.vlan'], 12);
    assert.equal((await occi(['update', 'lan2'], env)).code, 2, 'nothing to change is a usage error');

    const twin = json((await occi(['create', 'compute', '--title', 'ctx', '-o', 'json'], env)).stdout);
    const ambiguous = await occi(['show', 'ctx'], env);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, new RegExp(`ctx is the title of several entities: (${made.id}, ${twin.id}|${twin.id}, ${made.id}); give the id instead`));
    assert.equal((await occi(['delete', made.id, twin.id, 'lan2'], env)).code, 0);
  });
});

describe('occi: errors and exit codes', () => {
  test('usage (2): an unknown template names the closest match and the choices; a bad flag value', async () => {
    const r = await occi(['create', 'compute', '--os-tpl', 'Debain'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no OS template named Debain; did you mean Debian\? \(choices: Debian, Ubuntu, CentOS\)/);
    const bad = await occi(['list', 'compute', '-o', 'xml'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Allowed choices are table, json, yaml, value/);
    const size = await occi(['create', 'storage', '--size', 'big'], env);
    assert.equal(size.code, 2);
    assert.match(size.stderr, /--size big is not a size in GiB/);
    const required = await occi(['create', 'storage'], env);
    assert.equal(required.code, 2, 'the server refused it (400)');
    assert.match(required.stderr, /occi\.storage\.size/);
    const column = await occi(['list', 'compute', '-c', 'colour'], env);
    assert.equal(column.code, 2);
    assert.match(column.stderr, /no column colour; the columns are: id, title, state/);
  });

  test('not found (3), conflict (4), auth (5), unreachable (6), timeout (7)', async () => {
    assert.equal((await occi(['show', 'nothing-here'], env)).code, 3);
    const vm = json((await occi(['create', 'compute', '--title', 'busy', '--wait', '-o', 'json'], env)).stdout);
    await occi(['action', 'stop', vm.id, '--wait'], env);
    const conflict = await occi(['action', 'suspend', vm.id], env);
    assert.equal(conflict.code, 4);
    assert.match(conflict.stderr, /409/);
    const auth = await occi(['list', 'compute'], { ...env, OCCI_TOKEN: 'wrong-token-123456' });
    assert.equal(auth.code, 5);
    assert.match(auth.stderr, /401: invalid token/);
    assert.match(auth.stderr, /give a token \(--token, OCCI_TOKEN\)/);
    const closed = await freePort();
    const down = await occi(['list', 'compute', '--endpoint', `http://127.0.0.1:${closed}`], env);
    assert.equal(down.code, 6);
    assert.match(down.stderr, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${closed}/-/: ECONNREFUSED`));
    const slow = await startServer((c) => {
      c.local.bootMs = 60_000;
    });
    try {
      const t = await occi(['create', 'compute', '--wait', '--wait-timeout', '0.3'], { ...env, OCCI_ENDPOINT: slow.url });
      assert.equal(t.code, 7, t.stderr);
      assert.match(t.stderr, /gave up waiting for state active after \d+ s; last state: inactive/);
    } finally {
      await slow.close();
    }
    await occi(['delete', vm.id], env);
  });
});

describe('occi: output, debugging, help', () => {
  test('--debug masks the token; --raw shows the OCCI rendering; no colour off a terminal or with NO_COLOR', async () => {
    const d = await occi(['templates', '--os', '--debug', '--rendering', 'text'], env);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stderr, /> GET http:\/\/127\.0\.0\.1:\d+\/-\//);
    assert.match(d.stderr, /> X-Auth-Token: alic…\(masked\)/);
    assert.ok(!d.stderr.includes(ALICE), 'the token never appears');
    assert.match(d.stderr, /< 200 \(\d+ ms\)/);
    const raw = await occi(['discover', '--raw', '--rendering', 'text'], env);
    assert.equal(raw.code, 0, raw.stderr);
    assert.match(raw.stdout, /^GET http:\/\/127\.0\.0\.1:\d+\/-\//);
    assert.match(raw.stdout, /Category: compute; scheme="http:\/\/schemas\.ogf\.org\/occi\/infrastructure#"; class="kind"/);
    assert.ok(!raw.stdout.includes(ALICE));
    assert.ok(!/\u001b\[/.test((await occi(['list', 'compute'], env)).stdout), 'no colour when piped');
    assert.ok(!/\u001b\[/.test((await occi(['list', 'compute'], { ...env, NO_COLOR: '1' })).stdout));
  });

  test('--help for the command and every verb, with examples; completion scripts', async () => {
    const top = await occi(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /Exit codes: 0 ok/);
    for (const verb of ['discover', 'templates', 'list', 'show', 'create', 'update', 'delete', 'action', 'link', 'unlink', 'mixin', 'completion', 'mixin add', 'mixin tag']) {
      const h = await occi([...verb.split(' '), '--help']);
      assert.equal(h.code, 0, verb);
      assert.match(h.stdout, /Examples:\n {2}\$ occi /, `${verb} --help has examples`);
    }
    const bash = await occi(['completion', 'bash']);
    assert.match(bash.stdout, /complete -o default -F _occi_complete occi/);
    assert.match(bash.stdout, /create\) words="[^"]*--os-tpl/);
    assert.match((await occi(['completion', 'zsh'])).stdout, /bashcompinit/);
    assert.equal((await occi(['completion', 'fish'])).code, 2);
  });

  test('user mixins: add, tag, list the members, untag, remove', async () => {
    const vm = json((await occi(['create', 'storage', '--size', '1', '--title', 'tagged', '-o', 'json'], env)).stdout);
    assert.equal((await occi(['mixin', 'add', 'prod', '--title', 'Production'], env)).code, 0);
    assert.equal((await occi(['mixin', 'tag', 'prod', 'tagged'], env)).code, 0);
    assert.match((await occi(['list', 'prod', '-o', 'value', '-c', 'title'], env)).stdout, /^tagged$/m);
    assert.equal((await occi(['mixin', 'untag', 'prod', vm.id], env)).code, 0);
    assert.equal((await occi(['list', 'prod', '-o', 'value'], env)).stdout, '');
    assert.equal((await occi(['mixin', 'remove', 'prod'], env)).code, 0);
    assert.equal((await occi(['mixin', 'tag', 'prod', 'tagged'], env)).code, 2);
    await occi(['delete', vm.id], env);
  });

  test('the embedded cloud: with no credentials given, the token in the data directory is used', async () => {
    writeFileSync(join(server.dataDir, 'token'), `${ALICE}\n`, { mode: 0o600 });
    const r = await occi(['list', 'network', '-o', 'value', '-c', 'id'], { OCCI_ENDPOINT: server.url.replace('127.0.0.1', 'localhost'), SNF_OCCI_DATA_DIR: server.dataDir, XDG_CACHE_HOME: cache });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^public$/m);
  });
});
