// The numbers Store.version answers: each tenant counts its own changes (so
// two tenants may be at one number, and the caches key by tenant), and
// "everything may have changed" moves every tenant's number on, at its next
// read, without touching the others' entries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Versions } from '../../src/store/versions.js';

describe('store versions', () => {
  it('count each tenant’s own changes', () => {
    const v = new Versions();
    assert.equal(v.version('a'), 0);
    v.changed('a');
    v.changed('b');
    assert.equal(v.version('a'), 1);
    assert.equal(v.version('b'), 1, 'b’s first change, whatever a did');
    v.changed('a');
    assert.equal(v.version('a'), 2);
    assert.equal(v.version('b'), 1, 'a change of a leaves b as it was');
  });

  it('move every tenant on once when everything may have changed, read or not since', () => {
    const v = new Versions();
    v.changed('a');
    const seen = [v.version('a'), v.version('never-changed')];
    v.changedAll();
    const after = [v.version('a'), v.version('never-changed')];
    assert.notEqual(after[0], seen[0]);
    assert.notEqual(after[1], seen[1]);
    assert.deepEqual([v.version('a'), v.version('never-changed')], after, 'and stay there until the next change');
    v.changedAll();
    v.changed('a');
    assert.notEqual(v.version('a'), after[0], 'a change in the new epoch is a new number too');
  });

  it('take everything as changed past the trust period, and never before', () => {
    const v = new Versions(0);
    const first = v.version('a');
    const deadline = performance.now() + 1_000;
    while (performance.now() <= deadline && v.version('a') === first);
    assert.notEqual(v.version('a'), first, 'a period of 0 ms is over at once');
    const trusting = new Versions();
    const kept = trusting.version('a');
    assert.equal(trusting.version('a'), kept);
  });

  it('never give a tenant a number it had before, whatever mix of its own changes and everyone’s', () => {
    const v = new Versions();
    const seen = [v.version('a')];
    for (const step of ['changed', 'all', 'changed', 'changed', 'all', 'all', 'changed', 'all']) {
      if (step === 'changed') v.changed('a');
      else v.changedAll();
      seen.push(v.version('a'));
    }
    assert.equal(new Set(seen).size, seen.length, `a number came back (a cache would serve what it held then): ${seen.join(', ')}`);
  });

  it('count the trust period from the last time everything was taken as changed (a turned clock)', () => {
    let now = 1_000_000;
    const own = Object.getOwnPropertyDescriptor(performance, 'now');
    Object.defineProperty(performance, 'now', { value: () => now, configurable: true, writable: true });
    try {
      const v = new Versions(5_000);
      const first = v.version('a');
      now += 5_000;
      assert.equal(v.version('a'), first, 'trusted up to the end of the period');
      now += 1;
      const second = v.version('a');
      assert.notEqual(second, first, 'past it, taken as changed');
      now += 4_999;
      assert.equal(v.version('a'), second, 'a new period began then: trusted again for its length');
      now += 2;
      assert.notEqual(v.version('a'), second, 'and past that one too');
    } finally {
      if (own) Object.defineProperty(performance, 'now', own);
      else delete (performance as { now?: unknown }).now;
    }
  });
});
