// TLS to the cloud: an untrusted certificate is a clear 502; caFile trusts
// it; insecure skips verification. A self-signed certificate is made with
// openssl for the test, and an HTTPS server on an ephemeral port uses it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JsonHttp } from '../../src/backends/openstack/clients/http.js';
import { tlsDispatcher } from '../../src/backends/openstack/clients/tls.js';
import { rejectsWith } from '../backends/contract.js';

describe('openstack: TLS options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-tls-'));
  const cert = join(dir, 'cert.pem');
  let server: Server;
  let url: string;

  before(async () => {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', cert,
    ], { stdio: 'ignore' });
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(cert) }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const client = (o: { caFile?: string; insecure: boolean }): JsonHttp => {
    const dispatcher = tlsDispatcher(o);
    return new JsonHttp({ timeoutMs: 2000, challenge: 'c', ...(dispatcher ? { dispatcher } : {}) });
  };

  it('refuses an untrusted certificate with a 502 that says what to do', async () => {
    assert.equal(tlsDispatcher({ insecure: false }), undefined, 'no dispatcher unless asked');
    await rejectsWith(client({ insecure: false }).request('keystone', { method: 'GET', url }), 502, /not trusted .*configure caFile/);
  });

  it('trusts the certificate given as caFile, or any with insecure', async () => {
    assert.deepEqual((await client({ caFile: cert, insecure: false }).request('keystone', { method: 'GET', url })).body, { ok: true });
    assert.deepEqual((await client({ insecure: true }).request('keystone', { method: 'GET', url })).body, { ok: true });
  });

  it('fails at startup on an unreadable caFile', () => {
    assert.throws(() => tlsDispatcher({ caFile: join(dir, 'missing.pem'), insecure: false }), /ENOENT/);
  });
});
