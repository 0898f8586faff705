// The SNF_OCCI_* environment variables and the setting each one feeds.
import { TENANT_LIMIT_ENV_VARS } from './tenant-limits.js';
import { STORE_ENV_VARS } from './store-settings.js';

/** Environment variables and the setting each one feeds (dotted path into Config). */
export const ENV_VARS: Record<string, string> = {
  SNF_OCCI_PORT: 'port',
  SNF_OCCI_HOST: 'host',
  SNF_OCCI_PUBLIC_URL: 'publicUrl',
  SNF_OCCI_BACKEND: 'backend',
  SNF_OCCI_DATA_DIR: 'dataDir',
  SNF_OCCI_LOG_LEVEL: 'logLevel',
  SNF_OCCI_LOG_FORMAT: 'logFormat',
  SNF_OCCI_MAX_BODY_BYTES: 'limits.maxBodyBytes',
  SNF_OCCI_MAX_HEADER_BYTES: 'limits.maxHeaderBytes',
  SNF_OCCI_REQUEST_TIMEOUT_MS: 'limits.requestTimeoutMs',
  SNF_OCCI_HEADERS_TIMEOUT_MS: 'limits.headersTimeoutMs',
  SNF_OCCI_MAX_PAGE_SIZE: 'limits.maxPageSize',
  SNF_OCCI_SHUTDOWN_GRACE_MS: 'shutdownGraceMs',
  SNF_OCCI_USER_MIXINS: 'userMixins',
  SNF_OCCI_ALLOW_NAMESPACE_DELETE: 'allowNamespaceDelete',
  SNF_OCCI_METRICS: 'metrics',
  SNF_OCCI_METRICS_TOKEN: 'metricsToken',
  SNF_OCCI_MAINTENANCE: 'maintenance',
  SNF_OCCI_HEALTH_CHECK_INTERVAL_MS: 'health.checkIntervalMs',
  SNF_OCCI_TRUST_FORWARDED_FOR: 'trustForwardedFor',
  SNF_OCCI_TLS_CERT: 'tls.certFile',
  SNF_OCCI_TLS_KEY: 'tls.keyFile',
  SNF_OCCI_CORS_ORIGINS: 'cors.origins',
  SNF_OCCI_BOOT_MS: 'local.bootMs',
  SNF_OCCI_ACTION_MS: 'local.actionMs',
  SNF_OCCI_DEFAULT_OS_TPL: 'local.defaultOsTemplate',
  SNF_OCCI_DEFAULT_RESOURCE_TPL: 'local.defaultResourceTemplate',
  SNF_OCCI_FAILING_IMAGES: 'local.failingImages',
  SNF_OCCI_KEYSTONE_URL: 'openstack.keystoneUrl',
  SNF_OCCI_OS_CLOUD: 'openstack.cloud',
  SNF_OCCI_IDENTITY_VERSION: 'openstack.identityVersion',
  SNF_OCCI_DIALECT: 'openstack.dialect',
  SNF_OCCI_REGION: 'openstack.region',
  SNF_OCCI_INTERFACE: 'openstack.interface',
  SNF_OCCI_BACKEND_TIMEOUT_MS: 'openstack.timeoutMs',
  SNF_OCCI_CA_FILE: 'openstack.caFile',
  SNF_OCCI_INSECURE: 'openstack.insecure',
  SNF_OCCI_VOLUME_TYPE: 'openstack.volumeType',
  SNF_OCCI_SYNNEFO_RELEASE: 'openstack.synnefoRelease',
  SNF_OCCI_HOSTNAME_PATTERN: 'compute.hostnamePattern',
  SNF_OCCI_DEFAULT_ARCHITECTURE: 'compute.defaultArchitecture',
  ...TENANT_LIMIT_ENV_VARS,
  ...STORE_ENV_VARS,
};

/** Variables of the SNF_OCCI_ prefix that are not settings yet have a use (tests, tools). */
const OTHER_VARS = new Set(['SNF_OCCI_CONFIG']);

/** SNF_OCCI_* variables set in `env` that no setting reads (probably misspelt). */
export function strayEnvVars(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env).filter((k) => k.startsWith('SNF_OCCI_') && !(k in ENV_VARS) && !OTHER_VARS.has(k));
}
