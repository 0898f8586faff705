// A real snf-occi process (`snf-occi --backend openstack`, Synnefo dialect)
// in front of a Synnefo stand-in, and a small HTTP client for it.
import { startServerChild, type ServerChild } from '../../scripts/support/server-child.js';
import { checkAnswer } from '../helpers/server.js';
import type { Standin } from './standin/index.js';

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
  json<T = any>(): T;
}

export interface OcciChild {
  child: ServerChild;
  request(method: string, path: string, o?: { headers?: Record<string, string>; body?: string; token?: string | null }): Promise<Answer>;
  stop(): Promise<void>;
}

export { INFRA } from '../helpers/server.js';
export const PLAIN = { 'Content-Type': 'text/plain', Accept: 'text/plain' };
export const OCCI_JSON = { 'Content-Type': 'application/occi+json', Accept: 'application/occi+json' };

export async function startOcci(standin: Standin, config: Record<string, unknown> = {}, keystoneUrl = standin.identityUrl): Promise<OcciChild> {
  const openstack = { keystoneUrl, dialect: 'synnefo', timeoutMs: 5_000, ...(config.openstack as object | undefined) };
  const child = await startServerChild({ tokens: [], config: { ...config, backend: 'openstack', openstack } });
  return {
    child,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      const token = o.token === undefined ? 'alice-snf-token' : o.token;
      if (token !== null) headers['X-Auth-Token'] = token;
      const res = await fetch(child.base + path, { method, headers, ...(o.body !== undefined ? { body: o.body } : {}) });
      const body = await res.text();
      // The same checks as every other test's answers: OCCI 1.2 JSON, no spec code in a message.
      checkAnswer(method, path, res.status, res.headers.get('content-type') ?? '', body);
      return { status: res.status, headers: res.headers, body, json: () => JSON.parse(body) };
    },
    async stop() {
      await child.stop();
    },
  };
}

export { attribute as attr, entityPath, pathOf } from '../helpers/server.js';
