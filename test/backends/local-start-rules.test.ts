// The embedded cloud's rules at start and at the edges of its database,
// stated one by one (from the survivors of the first Stryker run over
// src/backends/local/, issue 14: migrations.ts, database.ts, ids.ts,
// degraded.ts): a newer schema refused, one schema row however many starts,
// a damaged database file named, client-chosen ids in UUID form from their
// first character, another tenant's id answered as no entity, and a call
// refused for itself on a full disk says so rather than "disk full".
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openLocalCloud } from '../../src/backends/local/index.js';
import { settledThenRun } from '../../src/backends/local/degraded.js';
import { MIGRATIONS } from '../../src/backends/local/migrations.js';
import { notFound } from '../../src/errors.js';
import { rejectsWith } from './contract.js';
import { harness, spec, tempDir, TOKENS } from './local-harness.js';

const ID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

describe('local cloud: start and database edges', () => {
  it('keeps one schema version row across starts, and refuses a schema newer than it knows', async () => {
    const dir = tempDir();
    for (let i = 0; i < 3; i++) await openLocalCloud({ dataDir: dir, tokens: TOKENS }).close();
    const db = new Database(join(dir, 'cloud.sqlite'));
    assert.deepEqual(db.prepare('SELECT version FROM schema_version').all(), [{ version: MIGRATIONS.length }]);
    db.prepare('UPDATE schema_version SET version = 99').run();
    db.close();
    assert.throws(
      () => openLocalCloud({ dataDir: dir, tokens: TOKENS }),
      (e: Error) => e.message === `cloud.sqlite has schema version 99, newer than this snf-occi (${MIGRATIONS.length})`,
    );
  });

  it('names a cloud.sqlite that is no database, and says what to do', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cloud.sqlite'), 'this is not a database, only some text long enough to be read as a header. '.repeat(20));
    assert.throws(
      () => openLocalCloud({ dataDir: dir, tokens: TOKENS }),
      (e: Error) => e.message.startsWith(`the database ${join(dir, 'cloud.sqlite')} is not an SQLite database`) && e.message.endsWith('move it aside to start afresh, or restore it from a backup'),
    );
  });

  it('takes a client-chosen id only as a whole lowercase UUID, and answers an id another tenant holds as no entity', async () => {
    const h = await harness();
    await rejectsWith(h.cloud.createResource(h.alice, { ...spec('network'), id: `x${ID}` }), 400, new RegExp(`^the embedded cloud takes client-chosen ids in lowercase UUID form only, not "x${ID}"$`));
    const net = await h.cloud.createResource(h.alice, { ...spec('network'), id: ID });
    assert.equal(net.id, ID);
    await rejectsWith(h.cloud.createResource(h.bob, { ...spec('network'), id: ID }), 404, new RegExp(`^no entity ${ID}$`));
    await h.cloud.close();
  });

  it('on a full disk, answers a call refused for itself with its own refusal', () => {
    const db = new Database(':memory:');
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const missing = notFound('compute c1 not found');
    assert.throws(
      () => settledThenRun(db, () => { throw full; }, () => { throw missing; }),
      (e) => e === missing,
      'the 404, not the full disk',
    );
    db.close();
  });
});
