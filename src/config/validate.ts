// Validation of the merged configuration: each problem names the setting
// (config.ts adds where the value came from) and says what is expected.
import { existsSync } from 'node:fs';
import type { Config } from './config.js';
import { validateTokens } from './tokens.js';
import { validateTenantLimits } from './tenant-limits.js';
import { validateStoreSettings } from './store-settings.js';

export function validate(c: Config, problems: string[]): void {
  const int = (path: string, v: unknown, min: number, max: number): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) problems.push(`${path}: must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  };
  const oneOf = (path: string, v: unknown, values: readonly string[]): void => {
    if (typeof v !== 'string' || !values.includes(v)) problems.push(`${path}: must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  };
  int('port', c.port, 0, 65535);
  if (typeof c.host !== 'string' || c.host === '') problems.push('host: must be an address to bind, e.g. 127.0.0.1 or 0.0.0.0');
  if (c.publicUrl !== undefined) {
    try {
      const u = new URL(c.publicUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
      if (u.search || u.hash) throw new Error('no query or fragment allowed');
      c.publicUrl = c.publicUrl.replace(/\/+$/, '');
    } catch (err) {
      problems.push(`publicUrl: "${c.publicUrl}" is not an http(s) URL (${(err as Error).message})`);
    }
  }
  oneOf('backend', c.backend, ['local', 'openstack']);
  if (typeof c.dataDir !== 'string' || c.dataDir === '') problems.push('dataDir: must be a directory path');
  oneOf('logLevel', c.logLevel, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
  oneOf('logFormat', c.logFormat, ['auto', 'json', 'pretty']);
  int('health.checkIntervalMs', c.health?.checkIntervalMs, 50, 3_600_000);
  if (c.metricsToken !== undefined && (typeof c.metricsToken !== 'string' || c.metricsToken.length < 16)) {
    problems.push('metricsToken: must be a secret of at least 16 characters; make one with `openssl rand -hex 32`');
  }
  int('limits.maxBodyBytes', c.limits.maxBodyBytes, 1024, 1024 * 1024 * 1024);
  int('limits.maxHeaderBytes', c.limits.maxHeaderBytes, 1024, 1024 * 1024);
  int('limits.requestTimeoutMs', c.limits.requestTimeoutMs, 100, 3_600_000);
  int('limits.headersTimeoutMs', c.limits.headersTimeoutMs, 100, 3_600_000);
  int('limits.keepAliveTimeoutMs', c.limits.keepAliveTimeoutMs, 0, 3_600_000);
  int('limits.maxPageSize', c.limits.maxPageSize, 1, 1_000_000);
  int('limits.maxBatch', c.limits.maxBatch, 1, 10_000);
  int('shutdownGraceMs', c.shutdownGraceMs, 0, 3_600_000);
  int('local.bootMs', c.local.bootMs, 0, 3_600_000);
  int('local.actionMs', c.local.actionMs, 0, 3_600_000);
  if (!Array.isArray(c.local.failingImages) || c.local.failingImages.some((t) => typeof t !== 'string')) {
    problems.push('local.failingImages: must be a list of image terms, e.g. ["CentOS"]');
  }
  validateTenantLimits(c, int);
  validateStoreSettings(c, int, problems);
  validateTokens(c.local.tokens, problems);
  if (!Array.isArray(c.cors?.origins) || c.cors.origins.some((o) => typeof o !== 'string' || (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)))) {
    problems.push('cors.origins: must be a list of origins such as https://app.example.org, or "*"');
  }
  if (c.tls) {
    if (typeof c.tls.certFile !== 'string' || typeof c.tls.keyFile !== 'string') problems.push('tls: needs both certFile and keyFile');
    else for (const f of [c.tls.certFile, c.tls.keyFile]) if (!existsSync(f)) problems.push(`tls: ${f} does not exist`);
  }
  oneOf('openstack.identityVersion', c.openstack.identityVersion, ['v3', 'v2.0', 'auto']);
  oneOf('openstack.dialect', c.openstack.dialect, ['openstack', 'synnefo']);
  oneOf('openstack.interface', c.openstack.interface, ['public', 'internal']);
  int('openstack.timeoutMs', c.openstack.timeoutMs, 100, 600_000);
  oneOf('openstack.synnefoRelease', c.openstack.synnefoRelease, ['auto', '0.16', '0.17', '0.18', '0.19', '0.20']);
  if (c.openstack.volumeType !== undefined && (typeof c.openstack.volumeType !== 'string' || c.openstack.volumeType === '')) problems.push('openstack.volumeType: must be the id of a volume type, as the cloud lists it');
  if (c.backend === 'openstack') {
    if (!c.openstack.keystoneUrl) {
      problems.push(
        'openstack.keystoneUrl: required with the openstack backend: give --keystone-url, SNF_OCCI_KEYSTONE_URL or OS_AUTH_URL, or name a cloud of clouds.yaml with --os-cloud or OS_CLOUD',
      );
    }
    else {
      try {
        new URL(c.openstack.keystoneUrl);
      } catch {
        problems.push(`openstack.keystoneUrl: "${c.openstack.keystoneUrl}" is not a URL`);
      }
    }
  }
  validateCompute(c.compute, problems, oneOf);
}

/** A hostname pattern must give each compute a host name of its own: {id} in a DNS name. */
function validateCompute(c: Config['compute'], problems: string[], oneOf: (path: string, v: unknown, values: readonly string[]) => void): void {
  if (typeof c !== 'object' || c === null) return void problems.push('compute: must be an object such as {"hostnamePattern": "snf-{id}.vm.example.org"}');
  const p = c.hostnamePattern;
  const sample = typeof p === 'string' ? p.split('{id}').join('42') : '';
  if (p !== undefined && (typeof p !== 'string' || !p.includes('{id}') || !/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/.test(sample))) {
    problems.push(`compute.hostnamePattern: must be a host name with {id} where the compute's id goes, e.g. snf-{id}.vm.example.org, got ${JSON.stringify(p)}`);
  }
  if (c.defaultArchitecture !== undefined) oneOf('compute.defaultArchitecture', c.defaultArchitecture, ['x86', 'x64']);
}
