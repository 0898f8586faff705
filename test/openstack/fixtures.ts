// Recorded cloud answers (openstack-lite, Zed) and documented Synnefo
// answers, read from test/openstack/fixtures (tests run from dist/).
import { readFileSync } from 'node:fs';

const DIR = new URL('../../../test/openstack/fixtures/', import.meta.url);

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as T;
}
