// How cloud answers become OcciErrors: message extraction from the real
// OpenStack error shapes (recorded from openstack-lite), status mapping, and
// tokens kept out of messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudMessage, errorForStatus, errorForTransport, sanitize } from '../../src/backends/openstack/clients/cloud-errors.js';

const GLANCE_404 = `<html>
 <head>
  <title>404 Not Found</title>
 </head>
 <body>
  <h1>404 Not Found</h1>
  No image found with ID nope<br /><br />



 </body>
</html>`;

describe('openstack: cloud error messages', () => {
  it('reads the message of every OpenStack error shape', () => {
    const cases: [string, string][] = [
      ['{"itemNotFound": {"code": 404, "message": "Instance nope could not be found."}}', 'Instance nope could not be found.'],
      ['{"badRequest": {"code": 400, "message": "Flavor nope could not be found."}}', 'Flavor nope could not be found.'],
      [
        '{"conflictingRequest": {"code": 409, "message": "Cannot \'start\' instance x while it is in vm_state active"}}',
        "Cannot 'start' instance x while it is in vm_state active",
      ],
      ['{"NeutronError": {"type": "NetworkNotFound", "message": "Network nope could not be found.", "detail": ""}}', 'Network nope could not be found.'],
      ['{"error":{"code":404,"message":"Could not recognize Fernet token","title":"Not Found"}}', 'Could not recognize Fernet token'],
      ['{"message": "plain"}', 'plain'],
      [GLANCE_404, 'No image found with ID nope'],
      ['Service Unavailable', 'Service Unavailable'],
    ];
    for (const [body, message] of cases) assert.equal(cloudMessage(body), message, body);
    assert.equal(cloudMessage(''), undefined);
    assert.equal(cloudMessage('{"servers": []}'), undefined);
  });

  it('passes 400/403/404/409/413 through with the cloud message', () => {
    for (const status of [400, 403, 404, 409, 413]) {
      const e = errorForStatus({ service: 'nova', status, body: '{"badRequest":{"message":"why"}}', secrets: [], challenge: 'c' });
      assert.equal(e.status, status);
      assert.equal(e.message, 'why');
    }
  });

  it('answers a cloud 401 with 401 and the Keystone challenge (R149)', () => {
    const e = errorForStatus({ service: 'nova', status: 401, body: '', secrets: [], challenge: "Keystone uri='http://k'" });
    assert.equal(e.status, 401);
    assert.equal(e.headers['WWW-Authenticate'], "Keystone uri='http://k'");
  });

  it('turns 5xx and odd statuses into 502 naming the service', () => {
    for (const status of [500, 503, 405, 422]) {
      const e = errorForStatus({ service: 'cinder', status, body: 'boom', secrets: [], challenge: 'c' });
      assert.equal(e.status, 502);
      assert.match(e.message, new RegExp(`cinder failed \\(HTTP ${status}\\): boom`));
    }
  });

  it('never repeats the token in a message', () => {
    const token = 'gAAAAABsecret-token-value';
    const e = errorForStatus({ service: 'nova', status: 400, body: `{"badRequest":{"message":"bad token ${token}"}}`, secrets: [token], challenge: 'c' });
    assert.equal(e.message, 'bad token ***');
    assert.equal(sanitize('x'.repeat(600), []).length, 501, 'bounded');
  });

  it('maps transport failures: timeout 504, refused 503, broken connection 502', () => {
    const timeout = Object.assign(new Error('t'), { name: 'TimeoutError' });
    assert.equal(errorForTransport('nova', timeout, 100).status, 504);
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
    assert.equal(errorForTransport('nova', refused, 100).status, 503);
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) });
    assert.equal(errorForTransport('nova', reset, 100).status, 502);
  });
});
