// The snf-occi process `npm run bench:openstack` measures: started on the
// openstack backend at debug (its log times every cloud call, own-time.ts),
// asked in text, its cloud calls counted from its /metrics.
import { startServerChild, type ServerChild } from '../scripts/support/server-child.js';
import { exchange, expect, type Answer } from './openstack-cloud.js';
import { OwnTimes } from './own-time.js';

export interface Occi {
  server: ServerChild;
  base: string;
  /** OCCI requests made through `occi()` so far. */
  requests: number;
  /** The server's timings, from its debug log. */
  own: OwnTimes;
}

/** snf-occi on the openstack backend, in a process of its own. */
export async function startOcci(authUrl: string): Promise<Occi> {
  // Readiness checks call Keystone too: one an hour keeps them out of the calls counted per request.
  // At debug, the log times every cloud call: snf-occi's own time per request is read from it.
  const own = new OwnTimes();
  const server = await startServerChild({
    tokens: [],
    logLevel: 'debug',
    onStdoutLine: (line) => own.take(line),
    config: { backend: 'openstack', openstack: { keystoneUrl: authUrl }, health: { checkIntervalMs: 3_600_000 } },
  });
  return { server, base: server.base, requests: 0, own };
}

export async function occi(o: Occi, method: string, path: string, token: string, body?: string): Promise<Answer> {
  o.requests++;
  const headers: Record<string, string> = { 'X-Auth-Token': token, Accept: 'text/plain' };
  if (body !== undefined) headers['Content-Type'] = 'text/plain';
  return exchange(method, path.startsWith('http') ? path : `${o.base}${path}`, headers, body);
}

/** Calls made to the cloud by service, whatever their outcome (the counts of snf_occi_cloud_call_duration_seconds). */
export async function cloudCalls(o: Occi): Promise<Map<string, number>> {
  const text = expect(await exchange('GET', `${o.base}/metrics`, {}), [200], 'GET /metrics').text;
  const calls = new Map<string, number>();
  for (const m of text.matchAll(/^snf_occi_cloud_call_duration_seconds_count\{service="([^"]+)",outcome="[^"]+"\} (\d+)$/gm)) {
    calls.set(m[1]!, (calls.get(m[1]!) ?? 0) + Number(m[2]));
  }
  return calls;
}

export function attribute(body: string, name: string): string | undefined {
  return new RegExp(`^X-OCCI-Attribute: ${name.replace(/\./g, '\\.')}=(.*)$`, 'm').exec(body)?.[1];
}
