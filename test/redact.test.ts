// What a log may say of a URL (src/redact.ts): secret-looking query values
// and the request's own secrets masked, wherever and however they are
// written; everything else as the client sent it, cut past 500 characters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactTarget, redactUrl } from '../src/redact.js';

const TOKEN = 'gAAAAABn-0123456789abcdefXYZ'; // token-like: 28 characters, letters and digits

test('a query value is masked when its name looks secret, each such name, and kept otherwise', () => {
  for (const name of ['token', 'X-Auth-Token', 'secret', 'password', 'passwd', 'pwd', 'api_key', 'Authorization', 'signature', 'sig', 'credential', 'session', 'cookie']) {
    assert.equal(redactTarget(`/compute/?${name}=v1&x=2`), `/compute/?${name}=***&x=2`, name);
  }
  assert.equal(redactTarget('/compute/?sign=yes&design=1'), '/compute/?sign=yes&design=1', '"sig" only at the end of a name');
  assert.equal(redactTarget('/compute/?action=stop'), '/compute/?action=stop');
  assert.equal(redactTarget('/compute/?t%6Fken=v'), '/compute/?t%6Fken=***', 'the name decoded');
});

test('a value that looks like a token is masked whatever its name: long, letters and digits mixed, not a UUID', () => {
  assert.equal(redactTarget(`/x?q=${TOKEN}`), '/x?q=***');
  assert.equal(redactTarget(`/x?${TOKEN}`), '/x?***', 'a name alone');
  assert.equal(redactTarget(`/x?q=${TOKEN.slice(0, 23)}`), `/x?q=${TOKEN.slice(0, 23)}`, '23 characters: too short');
  assert.equal(redactTarget(`/x?q=${TOKEN.slice(0, 24)}`), '/x?q=***', '24 characters');
  const letters = 'abcdefghijklmnopqrstuvwxyzabcd';
  const digits = '123456789012345678901234567890';
  assert.equal(redactTarget(`/x?q=${letters}`), `/x?q=${letters}`, 'letters only');
  assert.equal(redactTarget(`/x?q=${digits}`), `/x?q=${digits}`, 'digits only');
  assert.equal(redactTarget(`/x?q=${TOKEN}!`), `/x?q=${TOKEN}!`, 'a character no token has');
  assert.equal(redactTarget(`/x?q=a${TOKEN}`), '/x?q=***', 'the pattern holds to the end');
  const uuid = '2f0c8a8e-5f39-4c6b-9d3e-1a2b3c4d5e6f';
  assert.equal(redactTarget(`/x?q=${uuid}`), `/x?q=${uuid}`, 'a UUID is an id');
  assert.equal(redactTarget(`/x?q=${uuid.toUpperCase()}`), `/x?q=${uuid.toUpperCase()}`, 'in capitals too');
  assert.equal(redactTarget(`/x?q=${uuid}0`), '/x?q=***', 'longer than a UUID: not one');
  assert.equal(redactTarget(`/x?q=0${uuid}`), '/x?q=***', 'not one either');
});

test("the request's own secrets (8 characters or more) are masked: as a query value once decoded, and anywhere literally", () => {
  const short = 'abcdefgh'; // not token-like: only the request's own
  assert.equal(redactTarget('/x?q=abcdefg%68', [short]), '/x?q=***', 'percent-encoded');
  assert.equal(redactTarget('/x?q=abcd+efgh', ['abcd efgh']), '/x?q=***', '+ as a space');
  assert.equal(redactTarget(`/compute/${short}/x?y=1`, [short]), '/compute/***/x?y=1');
  assert.equal(redactTarget(`/compute/${short}?q=${short}`, [short]), '/compute/***?q=***');
  assert.equal(redactTarget('/x?q=abcdefg', ['abcdefg']), '/x?q=***', 'a query value equal to a short secret');
  assert.equal(redactTarget('/compute/abcdefg', ['abcdefg']), '/compute/abcdefg', 'anywhere else, 7 characters are too few to be one');
  assert.equal(redactTarget('/x?q=1', [undefined, '']), '/x?q=1', 'no secrets');
  assert.equal(redactTarget('/x?q=', [short]), '/x?q=', 'an empty value');
});

test('a secret percent-encoded in the path is masked in the path decoded; other paths are left as sent', () => {
  assert.equal(redactTarget('/compute/abcdefg%68', ['abcdefgh']), '/compute/***');
  assert.equal(redactTarget('/compute/abcdefg%68?x=1', ['abcdefgh']), '/compute/***?x=1');
  assert.equal(redactTarget('/a%20b/', ['abcdefgh']), '/a%20b/', 'no secret in it: not decoded');
  assert.equal(redactTarget('/a%20b/abcdefgh', ['abcdefgh']), '/a b/***', 'decoded when it holds one');
  assert.equal(redactTarget('/bad%zz/abcdefg%68', ['abcdefgh']), '/bad%zz/abcdefg%68', 'not decodable: as sent (and not found)');
  assert.equal(redactTarget('/compute/abcdef%67', ['abcdefg']), '/compute/abcdef%67', '7 characters: too few');
  assert.equal(redactTarget('/compute/x%2Fy?abcdefgh', ['abcdefgh']), '/compute/x%2Fy?***', 'the query is not the path');
});

test('separators and empty parts are kept as sent; a long target is cut at 500 characters', () => {
  assert.equal(redactTarget('/x?a=1;b=2&&c&token=3'), '/x?a=1;b=2&&c&token=***');
  assert.equal(redactTarget('/x?'), '/x?');
  assert.equal(redactTarget('/x'), '/x');
  const long = `/${'a'.repeat(600)}`;
  assert.equal(redactTarget(long), `${long.slice(0, 500)}…`);
  assert.equal(redactTarget(long.slice(0, 500)), long.slice(0, 500), '500 characters: whole');
});

test('a URL: its path and query, redacted; not a URL: said so', () => {
  assert.equal(redactUrl(`https://cloud.example.org:5000/v3/auth?token=${TOKEN}`), '/v3/auth?token=***');
  assert.equal(redactUrl('not a url'), '(not a URL)');
});
