// The access line is written by hand (a fast path) only for a logger that does
// nothing of its own to a line; any logger that does — a mixin, a log
// formatter, a hook, another message key, a serializer, a redaction, a
// message prefix — gets the line pino makes, with its change in it.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { logRequest } from '../../src/http/access-log.js';
import { jsonLines } from '../helpers/wire.js';

const flushed = (): Promise<void> => new Promise((r) => setImmediate(r));
const request = { method: 'GET', url: '/compute/', headers: { 'user-agent': 'occi-cli' } } as unknown as IncomingMessage;

async function lineOf(options: LoggerOptions, child?: (l: Logger) => Logger): Promise<Record<string, any>> {
  const { out, lines } = jsonLines();
  const base = pino(options, out) as Logger;
  const log = child ? child(base) : base;
  logRequest(log, request, 'rid-1', { status: 200, route: '/compute/' }, 1, { client: '10.0.0.1' });
  await flushed();
  assert.equal(lines.length, 1, `one access line, got ${JSON.stringify(lines)}`);
  return lines[0]!;
}

test('a plain logger gets the access line with every field', async () => {
  const line = await lineOf({});
  assert.equal(line.msg, 'request');
  assert.equal(line.reqId, 'rid-1');
  assert.equal(line.path, '/compute/');
  assert.equal(line.agent, 'occi-cli');
});

test("a logger's own changes to a line reach the access line (mixin, formatter, hooks, message key, serializers, redaction, prefix)", async () => {
  assert.equal((await lineOf({ mixin: () => ({ zone: 'a' }) })).zone, 'a', 'mixin');
  assert.equal((await lineOf({ formatters: { log: (o) => ({ ...o, shaped: true }) } })).shaped, true, 'log formatter');
  const hooked = await lineOf({
    hooks: {
      logMethod(args, method) {
        method.apply(this, [args[0] as object, 'hooked']);
      },
    },
  });
  assert.equal(hooked.msg, 'hooked', 'logMethod hook');
  const streamed = await lineOf({ hooks: { streamWrite: (s: string) => s.replace('"route"', '"routed"') } });
  assert.equal(streamed.routed, '/compute/', 'streamWrite hook');
  const keyed = await lineOf({ messageKey: 'message' });
  assert.equal(keyed.message, 'request', 'another message key');
  assert.equal(keyed.msg, undefined);
  assert.equal((await lineOf({ serializers: { path: () => 'hidden' } })).path, 'hidden', 'a serializer besides err');
  assert.equal((await lineOf({ serializers: { err: pino.stdSerializers.err, path: () => 'hidden' } })).path, 'hidden', 'err and another serializer');
  assert.equal((await lineOf({ redact: ['agent'] })).agent, '[Redacted]', 'redaction');
  assert.equal((await lineOf({}, (l) => l.child({}, { msgPrefix: 'edge: ' }))).msg, 'edge: request', 'message prefix');
});

test('a field made only of characters JSON escapes is escaped on the fast path too', async () => {
  const { out, lines } = jsonLines();
  const odd = '"\\\u0001';
  logRequest(pino({}, out) as Logger, { method: 'GET', url: '/x', headers: { 'user-agent': odd } } as unknown as IncomingMessage, odd, { status: 200 }, 1, { client: odd });
  await flushed();
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.agent, odd);
  assert.equal(lines[0]!.reqId, odd);
  assert.equal(lines[0]!.client, odd);
});
