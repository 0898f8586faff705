// Where the occi command finds its endpoint and credentials, first match wins:
//   1. flags: --endpoint, --token, --os-cloud
//   2. OCCI_ENDPOINT, OCCI_TOKEN
//   3. OS_* variables (Keystone password or application credential, used on the server's 401)
//   4. clouds.yaml: the cloud named by OS_CLOUD (its auth, and occi_endpoint if set)
//   5. on the embedded cloud (a local endpoint), the token in the data directory
// The endpoint defaults to http://localhost:8888.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthOptions, KeystoneCredentials } from '../../client/index.js';
import { defaultDataDir } from '../../config/config.js';
import { UsageError } from './exit.js';

export const DEFAULT_ENDPOINT = 'http://localhost:8888';

export interface ConnectionFlags {
  endpoint?: string;
  token?: string;
  osCloud?: string;
  dataDir?: string;
}

export interface Connection {
  endpoint: string;
  auth: AuthOptions;
  /** Where each came from, for --debug and error hints. */
  endpointFrom: string;
  authFrom: string;
}

const OS_KEYS: Array<[keyof KeystoneCredentials, string]> = [
  ['authUrl', 'OS_AUTH_URL'],
  ['username', 'OS_USERNAME'],
  ['userId', 'OS_USER_ID'],
  ['password', 'OS_PASSWORD'],
  ['userDomainName', 'OS_USER_DOMAIN_NAME'],
  ['userDomainId', 'OS_USER_DOMAIN_ID'],
  ['projectName', 'OS_PROJECT_NAME'],
  ['projectId', 'OS_PROJECT_ID'],
  ['projectDomainName', 'OS_PROJECT_DOMAIN_NAME'],
  ['projectDomainId', 'OS_PROJECT_DOMAIN_ID'],
  ['applicationCredentialId', 'OS_APPLICATION_CREDENTIAL_ID'],
  ['applicationCredentialName', 'OS_APPLICATION_CREDENTIAL_NAME'],
  ['applicationCredentialSecret', 'OS_APPLICATION_CREDENTIAL_SECRET'],
];

/** clouds.yaml auth keys (snake_case) → Keystone credentials. */
const YAML_KEYS: Array<[keyof KeystoneCredentials, string]> = [
  ['authUrl', 'auth_url'],
  ['username', 'username'],
  ['userId', 'user_id'],
  ['password', 'password'],
  ['userDomainName', 'user_domain_name'],
  ['userDomainId', 'user_domain_id'],
  ['projectName', 'project_name'],
  ['projectId', 'project_id'],
  ['projectDomainName', 'project_domain_name'],
  ['projectDomainId', 'project_domain_id'],
  ['applicationCredentialId', 'application_credential_id'],
  ['applicationCredentialName', 'application_credential_name'],
  ['applicationCredentialSecret', 'application_credential_secret'],
];

function fromEnv(env: NodeJS.ProcessEnv): KeystoneCredentials | undefined {
  const c: KeystoneCredentials = {};
  for (const [key, name] of OS_KEYS) if (env[name]) c[key] = env[name];
  const usable = c.applicationCredentialSecret !== undefined || (c.password !== undefined && (c.username ?? c.userId) !== undefined);
  return usable ? c : undefined;
}

/** The clouds.yaml files looked at, in order (as the OpenStack client does). */
export function cloudsYamlPaths(env: NodeJS.ProcessEnv): string[] {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return [env.OS_CLIENT_CONFIG_FILE, join(process.cwd(), 'clouds.yaml'), join(config, 'openstack', 'clouds.yaml'), '/etc/openstack/clouds.yaml'].filter((p): p is string => !!p);
}

interface CloudEntry {
  auth?: Record<string, unknown>;
  occi_endpoint?: unknown;
  auth_type?: unknown;
}

async function fromCloudsYaml(name: string, env: NodeJS.ProcessEnv): Promise<{ credentials?: KeystoneCredentials; token?: string; endpoint?: string; file: string }> {
  const { parse } = await import('yaml');
  const tried: string[] = [];
  for (const file of cloudsYamlPaths(env)) {
    if (!existsSync(file)) continue;
    tried.push(file);
    const doc = parse(readFileSync(file, 'utf8')) as { clouds?: Record<string, CloudEntry> } | null;
    const cloud = doc?.clouds?.[name];
    if (!cloud) continue;
    const auth = cloud.auth ?? {};
    const c: KeystoneCredentials = {};
    for (const [key, yamlKey] of YAML_KEYS) if (typeof auth[yamlKey] === 'string') c[key] = auth[yamlKey] as string;
    const token = typeof auth.token === 'string' ? auth.token : undefined;
    return { credentials: Object.keys(c).length > 0 ? c : undefined, token, endpoint: typeof cloud.occi_endpoint === 'string' ? cloud.occi_endpoint : undefined, file };
  }
  const where = tried.length ? `in ${tried.join(', ')}` : `(no clouds.yaml found; looked for ${cloudsYamlPaths(env).join(', ')})`;
  throw new UsageError(`no cloud named ${name} ${where}`);
}

const isLocal = (endpoint: string): boolean => {
  try {
    return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(endpoint).hostname);
  } catch {
    return false;
  }
};

function localToken(dataDir: string): string | undefined {
  const file = join(dataDir, 'token');
  if (!existsSync(file)) return undefined;
  const token = readFileSync(file, 'utf8').trim();
  return token === '' ? undefined : token;
}

export async function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const cloudName = flags.osCloud ?? env.OS_CLOUD;
  const cloud = cloudName ? await fromCloudsYaml(cloudName, env) : undefined;
  const pick = <T>(...options: Array<[T | undefined, string]>): [T, string] | undefined => options.find((o): o is [T, string] => o[0] !== undefined && o[0] !== '');

  const endpoint = pick<string>([flags.endpoint, '--endpoint'], [env.OCCI_ENDPOINT, 'OCCI_ENDPOINT'], [cloud?.endpoint, `occi_endpoint in ${cloud?.file}`]) ?? [DEFAULT_ENDPOINT, 'the default'];
  const explicitCloud = flags.osCloud !== undefined;
  const envCreds = fromEnv(env);
  const cloudAuth: AuthOptions | undefined = cloud && (cloud.credentials || cloud.token) ? { ...(cloud.token ? { token: cloud.token } : {}), ...(cloud.credentials ? { keystone: cloud.credentials } : {}) } : undefined;
  const candidates: Array<[AuthOptions | undefined, string]> = [
    [flags.token ? { token: flags.token } : undefined, '--token'],
    [explicitCloud ? cloudAuth : undefined, `--os-cloud ${cloudName}`],
    [env.OCCI_TOKEN ? { token: env.OCCI_TOKEN } : undefined, 'OCCI_TOKEN'],
    [envCreds ? { keystone: envCreds } : undefined, 'OS_* variables'],
    [!explicitCloud ? cloudAuth : undefined, `OS_CLOUD ${cloudName}`],
  ];
  let auth = pick<AuthOptions>(...candidates);
  if (!auth && isLocal(endpoint[0])) {
    const dir = flags.dataDir ?? env.SNF_OCCI_DATA_DIR ?? defaultDataDir(env);
    const token = localToken(dir);
    if (token) auth = [{ token }, `the embedded cloud's token in ${dir}`];
  }
  return { endpoint: endpoint[0], endpointFrom: endpoint[1], auth: auth?.[0] ?? {}, authFrom: auth?.[1] ?? 'nowhere (no credentials found)' };
}
