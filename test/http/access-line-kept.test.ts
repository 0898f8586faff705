// The access line keeps the texts of the line before (access-log.ts): a
// request like the one before reuses them. Every line must still be the one
// pino writes for its own request, however the requests in a row differ:
// each field changed alone, then changed back, the token (which masks the
// path and the message) too. And the duration, written from its hundredths,
// must be what JSON writes for it.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import fc from 'fast-check';
import { pino } from 'pino';
import { textLines } from '../helpers/wire.js';
import { logRequest, msText } from '../../src/http/access-log.js';
import type { RequestLog } from '../../src/http/access-log.js';

interface Step {
  method: string;
  url: string;
  agent?: string;
  id: string;
  log: RequestLog;
  ms: number;
  who: { client: string; token?: string };
}

const TOKEN = 'tok-0123456789abcdef';
const first: Step = { method: 'GET', url: '/-/', agent: 'occi/1', id: 'r0', log: { status: 200, route: '/-/', tenant: 'alice' }, ms: 1.5, who: { client: '10.0.0.1', token: TOKEN } };

/** Each request differs from the one before in one thing, and some go back to an earlier one. */
const steps: Step[] = [
  first,
  { ...first, id: 'r1', ms: 0.004 },
  { ...first, id: 'r2', url: `/compute/${TOKEN}?x=1` },
  { ...first, id: 'r3', url: `/compute/${TOKEN}?x=1`, who: { client: '10.0.0.1', token: 'other-token-9876543210' } },
  { ...first, id: 'r4', method: 'HEAD' },
  { ...first, id: 'r5', log: { ...first.log, status: 404 } },
  { ...first, id: 'r6', log: { ...first.log, route: '/compute/' } },
  { ...first, id: 'r7', log: { ...first.log, tenant: 'bob' } },
  { ...first, id: 'r8', log: { status: 200, route: '/-/' } },
  { ...first, id: 'r8b' },
  { ...first, id: 'r9', who: { client: '10.0.0.2', token: TOKEN } },
  { ...first, id: 'r9b' },
  { ...first, id: 'r10', agent: 'other agent "quoted"' },
  { ...first, id: 'r11', agent: undefined },
  { ...first, id: 'r12', log: { ...first.log, status: 409, message: `busy: ${TOKEN} "x"` } },
  { ...first, id: 'r13', log: { ...first.log, status: 409, message: 'busy again' } },
  { ...first, id: 'r14' },
  { ...first, id: 'r15', log: { ...first.log, status: 503 } },
  { ...first, id: 'r16', who: { client: '10.0.0.1' } },
  { ...first, id: 'r17' },
  { ...first, id: 'r18', url: `/compute/${TOKEN}` },
  { ...first, id: 'r19', url: `/compute/${TOKEN}`, who: { client: '10.0.0.1', token: 'other-token-9876543210' } },
  { ...first, id: 'r20', url: `/compute/${TOKEN}` },
];

const request = (s: Step): IncomingMessage => ({ method: s.method, url: s.url, headers: s.agent === undefined ? {} : { 'user-agent': s.agent } }) as unknown as IncomingMessage;

test('each line of a row of requests is the one pino writes for that request, whatever changed from the line before', async () => {
  const fast = textLines();
  const logger = pino({ level: 'info', base: { service: 'snf-occi' } }, fast.out);
  for (const s of steps) logRequest(logger, request(s), s.id, { ...s.log }, s.ms, s.who);
  // The reference: pino's own line, from a logger that makes it (a mixin turns the fast path off).
  const slow = textLines();
  const reference = pino({ level: 'info', base: { service: 'snf-occi' }, mixin: () => ({}) }, slow.out);
  for (const s of steps) logRequest(reference, request(s), s.id, { ...s.log }, s.ms, s.who);
  await new Promise((r) => setImmediate(r));
  assert.equal(fast.lines.length, steps.length);
  const withoutTime = (line: string): string => line.replace(/"time":\d+,/, '');
  for (let i = 0; i < steps.length; i++) assert.equal(withoutTime(fast.lines[i]!), withoutTime(slow.lines[i]!), `request ${steps[i]!.id}`);
  const lineOf = (id: string): string => fast.lines[steps.findIndex((s) => s.id === id)]!;
  // The same path twice in a row, from two tokens: masked for the request whose token it holds only.
  assert.match(lineOf('r2'), /"path":"\/compute\/\*\*\*\?x=1"/);
  assert.match(lineOf('r3'), /"path":"\/compute\/tok-0123456789abcdef\?x=1"/);
  assert.match(lineOf('r12'), /"error":"busy: \*\*\* \\"x\\""/);
  // The same without a query.
  assert.match(lineOf('r18'), /"path":"\/compute\/\*\*\*"/);
  assert.match(lineOf('r19'), /"path":"\/compute\/tok-0123456789abcdef"/);
  assert.match(lineOf('r20'), /"path":"\/compute\/\*\*\*"/);
});

test("a line's duration is what JSON writes for it rounded to two decimals", () => {
  const json = (ms: number): string => JSON.stringify(Math.round(ms * 100) / 100) ?? 'null';
  for (const ms of [0, 0.004, 0.005, 0.01, 0.1, 0.105, 1, 1.005, 1.5, 12.3456, 99.995, 100, 2 ** 30 / 100, 2 ** 30 / 100 - 0.01, 1e12, NaN, Infinity, -Infinity]) {
    assert.equal(msText(ms), Number.isFinite(ms) ? json(ms) : 'null', String(ms));
  }
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1e8, noNaN: true }), (ms) => msText(ms) === json(ms)),
    { numRuns: 20_000 },
  );
});
