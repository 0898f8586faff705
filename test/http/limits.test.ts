// Bad input gets a 4xx that says what is wrong, never a 500 or a hang.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { COMPUTE_KIND, startServer, type TestServer } from '../helpers/server.js';

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('limits and malformed requests', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => {
    c.limits.maxBodyBytes = 4096;
    c.limits.maxHeaderBytes = 4096;
  })));
  after(() => s.close());

  test('413 for a body over the limit', async () => {
    const r = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\n${'X-OCCI-Attribute: occi.core.summary="x"\n'.repeat(200)}` });
    assert.equal(r.status, 413);
    assert.match(r.body, /larger than 4096 bytes/);
  });

  test('413 reaches a client that goes on sending its body, and the connection stays usable', async () => {
    const body = 'x'.repeat(40_000);
    const socket = net.connect(s.port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    const closed = new Promise<string>((resolve) => socket.on('close', () => resolve('closed')));
    socket.on('error', () => undefined);
    socket.write(`POST /compute/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: alice-token-0123456789abcdef0123456789\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`);
    for (let i = 0; i < body.length; i += 4000) {
      socket.write(body.slice(i, i + 4000));
      await new Promise((r) => setTimeout(r, 5));
    }
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(await closed, 'closed');
    assert.match(out, /^HTTP\/1\.1 413 /);
    assert.doesNotMatch(out.split('\r\n\r\n')[0]!, /Connection: close/i);
    assert.match(out, /HTTP\/1\.1 200 OK[\s\S]*"status":"ok"/, 'the next request on the same connection is answered');
  });

  test('413 closes the connection when the declared body is far too large to drain', async () => {
    const reply = await raw(s.port, `POST /compute/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: alice-token-0123456789abcdef0123456789\r\nContent-Type: text/plain\r\nContent-Length: 100000000\r\n\r\nxx`);
    assert.match(reply, /^HTTP\/1\.1 413 /);
    assert.match(reply, /Connection: close/i);
  });

  test('431 for headers over the limit, with our Server header', async () => {
    const reply = await raw(s.port, `GET /-/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`);
    assert.match(reply, /^HTTP\/1\.1 431 /);
    assert.match(reply, /Server: snf-occi\/.* OCCI\/1\.2/);
  });

  test('400 for a malformed request line', async () => {
    const reply = await raw(s.port, 'BLAH\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.1 400 /);
  });

  test('415 for an unsupported Content-Type (D10)', async () => {
    const r = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'application/xml' }, body: '<compute/>' });
    assert.equal(r.status, 415);
    assert.match(r.body, /application\/xml/);
  });

  test('paths with dot segments, encoded slashes or other hosts are refused', async () => {
    for (const path of ['/compute/../-/', '/compute/%2e%2e/x', '/compute%2Fabc', '/compute/a\\b']) {
      const r = await s.request('GET', path);
      assert.equal(r.status, 400, path);
    }
    const reply = await raw(s.port, 'GET http://evil.example.org/-/ HTTP/1.1\r\nHost: evil.example.org\r\nX-Auth-Token: alice-token-0123456789abcdef0123456789\r\nConnection: close\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.1 400 /);
  });

  test('malformed bodies are 400 naming the problem, in the requested rendering', async () => {
    const bad = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'application/occi+json', Accept: 'application/occi+json' }, body: '{"kind": ' });
    assert.equal(bad.status, 400);
    const err = bad.json().error;
    assert.equal(err.status, 400);
    assert.ok(err.message.length > 0);
    assert.equal(err.request_id, bad.headers['x-request-id']);
    const text = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: 'Category: compute; scheme="unterminated\n' });
    assert.equal(text.status, 400);
    assert.match(text.body, /request-id: /);
  });

  test('a header-injection attempt through an attribute never reaches a response header', async () => {
    const r = await s.request('POST', '/compute/', {
      headers: { 'Content-Type': 'application/occi+json', Accept: 'text/occi' },
      body: JSON.stringify({ kind: 'http://schemas.ogf.org/occi/infrastructure#compute', title: 'evil\r\nSet-Cookie: x=1' }),
    });
    assert.equal(r.status, 201, r.body);
    const got = await s.request('GET', new URL(r.headers.location!).pathname, { headers: { Accept: 'text/occi' } });
    assert.equal(got.headers['set-cookie'], undefined);
    assert.match(String(got.headers['x-occi-attribute']), /evil\\r\\nSet-Cookie/);
  });

  test('unknown paths are 404; entity ids of other kinds are 404', async () => {
    assert.equal((await s.request('GET', '/nothing/here')).status, 404);
    assert.equal((await s.request('GET', '/compute/00000000-0000-4000-8000-000000000000')).status, 404);
  });
});
