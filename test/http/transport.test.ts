// Optional TLS and CORS (both off by default).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ALICE, startServer } from '../helpers/server.js';

describe('transport options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-tls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('CORS is off by default: no Access-Control headers', async () => {
    const s = await startServer();
    try {
      const r = await s.request('GET', '/-/', { headers: { Origin: 'https://app.example.org' } });
      assert.equal(r.headers['access-control-allow-origin'], undefined);
    } finally {
      await s.close();
    }
  });

  test('CORS with configured origins: preflight without token, exposed OCCI headers, others refused', async () => {
    const s = await startServer((c) => {
      c.cors.origins = ['https://app.example.org'];
    });
    try {
      const pre = await s.request('OPTIONS', '/compute/', { token: null, headers: { Origin: 'https://app.example.org', 'Access-Control-Request-Method': 'POST' } });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example.org');
      assert.match(String(pre.headers['access-control-allow-headers']), /X-Auth-Token/);
      const r = await s.request('GET', '/-/', { headers: { Origin: 'https://app.example.org' } });
      assert.equal(r.headers['access-control-allow-origin'], 'https://app.example.org');
      assert.match(String(r.headers['access-control-expose-headers']), /X-OCCI-Location/);
      const other = await s.request('OPTIONS', '/compute/', { token: null, headers: { Origin: 'https://evil.example.org', 'Access-Control-Request-Method': 'POST' } });
      assert.equal(other.status, 403);
      assert.equal(other.headers['access-control-allow-origin'], undefined);
    } finally {
      await s.close();
    }
  });

  test('TLS with a configured certificate and key', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const s = await startServer((c) => {
      c.tls = { certFile: cert, keyFile: key };
    });
    try {
      const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port: s.port, path: '/-/', headers: { 'X-Auth-Token': ALICE }, rejectUnauthorized: false }, (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
      assert.equal(reply.status, 200);
      assert.match(reply.body, /location="https:\/\/127\.0\.0\.1:\d+\/compute\/"/);
    } finally {
      await s.close();
    }
  });
});
