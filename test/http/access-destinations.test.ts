// The request metric is in seconds (its name says so), whatever the access
// line's unit; and an access line reaches a pino.multistream destination as
// pino itself would send it: to each stream whose level the line's level
// reaches (the hand-written fast path is not taken for a destination that
// needs the line's level beside it).
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { before, test } from 'node:test';
import { pino, type Logger } from 'pino';
import { logRequest } from '../../src/http/access-log.js';
import { metrics } from '../../src/metrics.js';
import { jsonLines } from '../helpers/wire.js';

before(() => metrics.render()); // turns metrics on: logRequest counts into them

const request = { method: 'PATCH', url: '/compute/', headers: {} } as unknown as IncomingMessage;

test('the request histogram counts seconds: an answer of 1,500 ms adds 1.5 to the sum, in the buckets from 2.5 s up', async () => {
  const silent = pino({ level: 'silent' }) as Logger;
  logRequest(silent, request, 'r', { status: 299, route: '/seconds/{id}' }, 1500, { client: 'c' });
  const { body } = await metrics.render();
  const value = (series: string): string | undefined =>
    body
      .split('\n')
      .find((l) => l.startsWith(`snf_occi_http_request_duration_seconds_${series}`))
      ?.split(' ')
      .pop();
  const labels = 'method="PATCH",route="/seconds/{id}",status="299"';
  assert.equal(value(`sum{${labels}}`), '1.5');
  assert.equal(value(`bucket{le="1",${labels}}`), '0');
  assert.equal(value(`bucket{le="2.5",${labels}}`), '1');
});

test('a pino.multistream destination gets each access line on the streams its level reaches', async () => {
  const all = jsonLines();
  const warnings = jsonLines();
  const log = pino({ level: 'info' }, pino.multistream([{ level: 'info', stream: all.out }, { level: 'warn', stream: warnings.out }])) as Logger;
  logRequest(log, request, 'ok-1', { status: 200, route: '/compute/' }, 1, { client: '10.0.0.1' });
  logRequest(log, request, 'failed-1', { status: 503, route: '/compute/', message: 'the cloud is unreachable' }, 1, { client: '10.0.0.1' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    all.lines.map((l) => [l.reqId, l.level, l.msg, l.status]),
    [
      ['ok-1', 30, 'request', 200],
      ['failed-1', 40, 'request', 503],
    ],
  );
  assert.deepEqual(
    warnings.lines.map((l) => [l.reqId, l.level, l.error]),
    [['failed-1', 40, 'the cloud is unreachable']],
  );
});
