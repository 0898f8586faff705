// Every HTTP call the server makes to a cloud, reported once it ends: counted
// and timed for /metrics, and handed to listeners (the debug log).
import { metrics } from './metrics.js';

export interface CloudCall {
  /** The cloud service: keystone, nova, glance, neutron, cinder … */
  service: string;
  method: string;
  url: string;
  /** The HTTP status, when the cloud answered. */
  status?: number;
  /** ok (2xx/3xx), client_error (4xx), server_error (5xx), timeout or unreachable. */
  outcome: 'ok' | 'client_error' | 'server_error' | 'timeout' | 'unreachable';
  ms: number;
}

type Listener = (call: CloudCall) => void;
const listeners = new Set<Listener>();

/** Calls `listener` after every cloud call; returns what stops it. */
export function onCloudCall(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportCloudCall(call: CloudCall): void {
  metrics.cloudCall(call.service, call.outcome, call.ms / 1000);
  for (const l of listeners) l(call);
}

export function outcomeOf(status: number): CloudCall['outcome'] {
  return status >= 500 ? 'server_error' : status >= 400 ? 'client_error' : 'ok';
}
