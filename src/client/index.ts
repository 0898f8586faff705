// snf-occi/client: an OCCI 1.1/1.2 client library on fetch alone (Node and browsers).
export { OcciClient, type ActionResult, type ClientOptions, type LinkOptions, type ListOptions, type MixinDefinition } from './client.js';
export { base64, contextualize } from './contextualize.js';
export { Discovery, OS_TPL, RESOURCE_TPL, closest } from './discovery.js';
export * from './errors.js';
export type { AuthOptions, TransportOptions } from './http.js';
export { MemoryTokenCache, keystoneChallenge, type CachedToken, type KeystoneCredentials, type TokenCache } from './keystone.js';
export { isSecretHeader, mask, maskBody, maskExchange, maskHeaders } from './mask.js';
export type * from './types.js';
export { Endpoint, bareId, lastSegment } from './urls.js';
export { AFTER_ACTION, READY, stateOf, type Progress, type WaitOptions } from './wait.js';
export type { EntitySpec, LinkSpec } from './write.js';
