// The store contract on SQLite, the default store of one process: in memory,
// and in a data directory's file, opened again to find what was stored; the
// file's edges: a directory to make, the journal, damage, failures that are
// no clash.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';
import { freshTenant, row, storeContract, typeIdOf } from './contract.js';

storeContract('SQLite in memory', async () => new UserMixinStore(undefined));

const dir = mkdtempSync(join(tmpdir(), 'snf-occi-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeContract('SQLite in a data directory', async () => new UserMixinStore(dir));

describe('SQLite store file', () => {
  it('keeps what it acknowledged across a restart', async () => {
    const t = freshTenant();
    const first = new UserMixinStore(dir);
    await first.add(t, [row('kept')]);
    await first.associate(t, typeIdOf('kept'), [{ kind: 'compute', id: '1' }]);
    await first.close();
    const again = new UserMixinStore(dir);
    assert.deepEqual(await again.list(t), [row('kept')]);
    assert.deepEqual(await again.mixinsOf(t, 'compute', '1'), [typeIdOf('kept')]);
    await again.close();
  });
});

describe('SQLite store file, its edges', () => {
  const where = mkdtempSync(join(tmpdir(), 'snf-occi-store-edges-'));
  after(() => rmSync(where, { recursive: true, force: true }));

  it('makes its data directory, parents included, when it is not there yet', async () => {
    const nested = join(where, 'not', 'made', 'yet');
    const store = new UserMixinStore(nested);
    await store.add('t', [row('a')]);
    await store.close();
    assert.ok(existsSync(join(nested, 'store.sqlite')), 'the file is store.sqlite in the data directory');
  });

  it('writes ahead (WAL), and on close folds the journal into store.sqlite: that one file then holds everything', async () => {
    const d = join(where, 'wal');
    const store = new UserMixinStore(d);
    await store.add('t', [row('a')]);
    assert.ok(existsSync(join(d, 'store.sqlite-wal')), 'a write-ahead journal while open');
    const reader = new Database(join(d, 'store.sqlite'), { readonly: true });
    assert.equal(reader.pragma('journal_mode', { simple: true }), 'wal');
    reader.close();
    await store.close();
    assert.equal(existsSync(join(d, 'store.sqlite-wal')), false, 'no journal left beside the file once closed');
    await assert.rejects(store.list('t'), /The database connection is not open/, 'a closed store does no more work');
  });

  it('names a damaged file and says what to do with it', () => {
    const d = join(where, 'damaged');
    mkdirSync(d);
    writeFileSync(join(d, 'store.sqlite'), 'this is not a database, but it is long enough to have a header of one '.repeat(20));
    assert.throws(
      () => new UserMixinStore(d),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'SQLITE_NOTADB');
        assert.match(e.message, new RegExp(`^the database ${join(d, 'store.sqlite').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not an SQLite database`));
        assert.match(e.message, /move it aside to start afresh, or restore it from a backup/);
        return true;
      },
    );
  });

  it('passes on a failure of the database that is not a clash as it is, never as a 409', async () => {
    const d = join(where, 'broken');
    const store = new UserMixinStore(d);
    const t = freshTenant();
    await store.add(t, [row('a')]);
    // Another program damages the schema under the store: its next write fails, for a reason that is no clash.
    const other = new Database(join(d, 'store.sqlite'));
    other.exec('DROP TABLE user_mixin');
    other.close();
    await assert.rejects(store.add(t, [row('b')]), (e: Error & { code?: string }) => {
      assert.ok(!(e instanceof OcciError), `not an OCCI answer: ${e.message}`);
      assert.deepEqual([e.code, e.message], ['SQLITE_ERROR', 'no such table: user_mixin']);
      return true;
    });
    await store.close();
    await assert.rejects(store.add(t, [row('c')]), (e: Error) => e instanceof TypeError && e.message === 'The database connection is not open');
  });
});
