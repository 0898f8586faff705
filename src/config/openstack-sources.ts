// The OpenStack settings an operator already has: a cloud of clouds.yaml
// (chosen with --os-cloud, openstack.cloud or OS_CLOUD) and the standard OS_*
// variables, read as the OpenStack client reads them: clouds.yaml is looked
// for in $OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/ and
// /etc/openstack/ (the first found wins), and OS_* variables override the
// cloud's values. snf-occi's own settings (its file, SNF_OCCI_*, flags) win
// over both. Only what the bridge needs is taken: it validates each caller's
// own token, so credentials there are never read.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Tree } from './merge.js';

export interface OpenStackSource {
  /** openstack.* settings found, as a tree to merge under the snf-occi ones. */
  settings: Tree;
  /** Where each setting came from (dotted path → OS_AUTH_URL, clouds.yaml …), for messages. */
  origins: Map<string, string>;
  problems: string[];
}

/** Standard variables and the setting each one feeds. */
export const OS_ENV_VARS: Record<string, string> = {
  OS_AUTH_URL: 'keystoneUrl',
  OS_REGION_NAME: 'region',
  OS_INTERFACE: 'interface',
  OS_ENDPOINT_TYPE: 'interface',
  OS_CACERT: 'caFile',
  OS_INSECURE: 'insecure',
  OS_IDENTITY_API_VERSION: 'identityVersion',
  OS_API_TIMEOUT: 'timeoutMs',
};

/** clouds.yaml keys of a cloud (auth.auth_url is under auth) and the setting each one feeds. */
const CLOUD_KEYS: Record<string, string> = {
  region_name: 'region',
  interface: 'interface',
  endpoint_type: 'interface',
  cacert: 'caFile',
  verify: 'verify',
  identity_api_version: 'identityVersion',
  api_timeout: 'timeoutMs',
};

export function cloudsYamlPaths(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME || homedir();
  return [
    ...(env.OS_CLIENT_CONFIG_FILE ? [env.OS_CLIENT_CONFIG_FILE] : []),
    join(process.cwd(), 'clouds.yaml'),
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'openstack', 'clouds.yaml'),
    '/etc/openstack/clouds.yaml',
  ];
}

/** The settings of `cloud` (when named) and of OS_* variables. */
export function openStackSource(env: NodeJS.ProcessEnv, cloud: string | undefined): OpenStackSource {
  const out: OpenStackSource = { settings: {}, origins: new Map(), problems: [] };
  const set = (setting: string, raw: unknown, origin: string): void => {
    let value = normalise(setting, raw);
    if (value === undefined) return void out.problems.push(`${origin}: ${JSON.stringify(raw)} is not a valid ${setting}`);
    // clouds.yaml says verify (true = check certificates), snf-occi and OS_INSECURE the opposite.
    if (setting === 'verify') [setting, value] = ['insecure', !value];
    out.settings[setting] = value;
    out.origins.set(`openstack.${setting}`, origin);
  };
  if (cloud) readCloud(env, cloud, out, set);
  for (const [name, setting] of Object.entries(OS_ENV_VARS)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') set(setting, raw, name);
  }
  return out;
}

function readCloud(env: NodeJS.ProcessEnv, cloud: string, out: OpenStackSource, set: (setting: string, raw: unknown, origin: string) => void): void {
  const paths = cloudsYamlPaths(env);
  const file = paths.find((p) => existsSync(p));
  if (!file) return void out.problems.push(`openstack.cloud: cloud "${cloud}" was asked for, but there is no clouds.yaml in ${paths.join(', ')}`);
  let doc: { clouds?: Record<string, Tree> } | undefined;
  try {
    // Loaded only here: the server's start-up path does not pay for a YAML parser it does not use.
    const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    doc = yaml.parse(readFileSync(file, 'utf8')) as typeof doc;
  } catch (err) {
    return void out.problems.push(`${file}: cannot be read as YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const clouds = doc?.clouds ?? {};
  const entry = clouds[cloud];
  if (typeof entry !== 'object' || entry === null) {
    const names = Object.keys(clouds);
    return void out.problems.push(`openstack.cloud: ${file} has no cloud named "${cloud}"${names.length ? `; it has ${names.join(', ')}` : ''}`);
  }
  const where = `cloud "${cloud}" of ${file}`;
  const auth = entry.auth as Tree | undefined;
  if (auth?.auth_url !== undefined) set('keystoneUrl', auth.auth_url, `auth.auth_url of ${where}`);
  else if (entry.profile !== undefined) out.problems.push(`${where}: vendor profiles are not read; give the cloud's auth.auth_url there, or set openstack.keystoneUrl`);
  for (const [key, setting] of Object.entries(CLOUD_KEYS)) if (entry[key] !== undefined) set(setting, entry[key], `${key} of ${where}`);
}

/** The value in snf-occi's terms, or undefined when it makes no sense. */
function normalise(setting: string, raw: unknown): unknown {
  const text = String(raw).trim();
  switch (setting) {
    case 'interface': {
      // The old style names endpoints publicURL, internalURL.
      const name = text.replace(/URL$/, '').toLowerCase();
      return name === 'public' || name === 'internal' ? name : undefined;
    }
    case 'insecure':
    case 'verify':
      return typeof raw === 'boolean' ? raw : /^(1|true|yes|on)$/i.test(text) ? true : /^(0|false|no|off)$/i.test(text) ? false : undefined;
    case 'identityVersion': {
      if (/^3(\.\d+)?$|^v3$/.test(text)) return 'v3';
      if (/^2(\.0)?$|^v2\.0$/.test(text)) return 'v2.0';
      return undefined;
    }
    case 'timeoutMs': {
      const seconds = Number(text);
      return text !== '' && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : undefined;
    }
    default:
      return text === '' ? undefined : text;
  }
}
