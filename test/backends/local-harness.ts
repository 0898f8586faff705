// The embedded cloud on a fake clock, for the tests of test/backends/: an
// in-memory cloud with two tenants' tokens, and builders of the specs the
// backend port takes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import Database from 'better-sqlite3';
import type { Attributes, Credentials, EntityKindTerm, EntityRecord, LinkSpec, ResourceSpec, UpdateSpec } from '../../src/port/backend.js';
import { matchesQuery } from '../../src/port/list-query.js';
import { type LocalCloud, type LocalCloudOptions, openLocalCloud } from '../../src/backends/local/index.js';
import type { Mixin } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';

export const dirs: string[] = [];
export const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'snf-occi-local-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export const TOKENS = [
  { token: 'alice-secret-0123456789abcdef01234567', tenant: 'alice' },
  { token: 'bob-secret-0123456789abcdef0123456789', tenant: 'bob' },
];

export interface Harness {
  cloud: LocalCloud;
  alice: Credentials;
  bob: Credentials;
  dir: string;
  /** The fake clock (ms). */
  clock: { t: number };
  advance: (ms: number) => void;
}

export async function harness(options: Partial<LocalCloudOptions> = {}, existing?: { dir: string; clock: { t: number } }): Promise<Harness> {
  const dir = existing?.dir ?? tempDir();
  const clock = existing?.clock ?? { t: 1_700_000_000_000 };
  const cloud = openLocalCloud({ dataDir: dir, memory: true, tokens: TOKENS, now: () => clock.t, ...options });
  return {
    cloud,
    dir,
    clock,
    alice: await cloud.authenticate({ token: 'alice-secret-0123456789abcdef01234567' }),
    bob: await cloud.authenticate({ token: 'bob-secret-0123456789abcdef0123456789' }),
    advance: (ms) => {
      clock.t += ms;
    },
  };
}

export const spec = (kind: ResourceSpec['kind'], attributes: Attributes = {}, mixins: Mixin[] = [], links: LinkSpec[] = []): ResourceSpec => ({
  kind,
  attributes,
  mixins,
  links,
});
export const change = (attributes: UpdateSpec['attributes'], addMixins: Mixin[] = [], removeMixins: Mixin[] = []): UpdateSpec => ({
  attributes,
  addMixins,
  removeMixins,
});
export const nic = (networkId: string, attributes: Attributes = {}): LinkSpec => ({
  kind: 'networkinterface',
  target: { kind: 'network', id: networkId },
  mixins: [],
  attributes,
});
export const computeAction = (term: string) => I.COMPUTE.actions.find((a) => a.term === term)!;
export const storageAction = (term: string) => I.STORAGE.actions.find((a) => a.term === term)!;

export async function template(h: Harness, term: string, c = h.alice): Promise<Mixin> {
  const t = await h.cloud.providerMixins(c);
  const found = [...t.os, ...t.resource].find((m) => m.term === term);
  assert.ok(found, `template ${term}`);
  return found;
}

/**
 * Lists `kind` filtered by every value each named attribute takes, and by the
 * mixin (when the kind has one to test), checking that SQL gives what the
 * records say (each value found at least once). Returns every record, for
 * more checks.
 */
export async function assertFiltersAlike(h: Harness, kind: EntityKindTerm, names: readonly string[], mixin?: string): Promise<EntityRecord[]> {
  const all = (await h.cloud.list(h.alice, { kind, detail: 'records' })).items as EntityRecord[];
  for (const name of names) {
    const values = new Set(all.map((r) => r.attributes[name]).filter((v) => v !== undefined));
    assert.ok(values.size > 0, `some ${kind} has ${name}`);
    for (const value of values) {
      const q = { kind, detail: 'records' as const, where: [[name, value!] as const] };
      const got = (await h.cloud.list(h.alice, q)).items.map((r) => r.id);
      assert.deepEqual(got, all.filter((r) => matchesQuery(r, q)).map((r) => r.id), `${name} = ${String(value)}`);
      assert.ok(got.length > 0);
    }
  }
  if (mixin === undefined) return all;
  const withMixin = (await h.cloud.list(h.alice, { kind, detail: 'refs', mixins: [mixin] })).items.map((r) => r.id);
  assert.deepEqual(withMixin, all.filter((r) => r.mixins.includes(mixin)).map((r) => r.id), `${kind}s with ${mixin}`);
  return all;
}

/**
 * A data dir as an older version left it: its demo token file gone and the
 * token `old` stored as an unkeyed SHA-256 hash. Returns the directory.
 */
export async function olderDataDir(old: string): Promise<string> {
  const dir = tempDir();
  await openLocalCloud({ dataDir: dir }).close();
  rmSync(join(dir, 'token'));
  const db = new Database(join(dir, 'cloud.sqlite'));
  db.prepare('DELETE FROM tokens').run();
  db.prepare("INSERT INTO tokens (hash, tenant, keyed) VALUES (?, 'demo', 0)").run(createHash('sha256').update(old).digest('hex'));
  db.close();
  return dir;
}
