// The harness's own rules (docs/guide/README.md, "How this guide is tested"):
// which blocks run, which block is a command's output, and how an output is
// compared with what was printed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readChapter, rewriteOutputs, tourRegion } from './guide-doc.js';
import { asReaderSees, compareShape, normalise } from './guide-shape.js';

const doc = [
  '# A chapter',
  '',
  '```sh',
  'echo one',
  '```',
  '',
  'Prose between a command and its output.',
  '',
  '```text',
  'one',
  '```',
  '',
  '```sh',
  'export X=1',
  '```',
  '',
  '```json',
  '{"read": "only"}',
  '```',
  '',
  '```text',
  'not the output of export: a block came between',
  '```',
  '',
  '<!-- guide: background -->',
  '',
  '```sh',
  'snf-occi',
  '```',
  '',
  '```console',
  '$ never run',
  '```',
  '',
].join('\n');

describe('reading a chapter', () => {
  test('sh blocks run in order; the next block, when it is text, is the output', () => {
    const c = readChapter(doc);
    assert.deepEqual(
      c.steps.map((s) => [s.command, s.line, s.background, s.output?.text]),
      [
        ['echo one\n', 3, false, 'one\n'],
        ['export X=1\n', 13, false, undefined],
        ['snf-occi\n', 27, true, undefined],
      ],
    );
    assert.equal(c.server, 'embedded');
  });

  test('a chapter names the cloud it needs, and a misspelt directive is an error, not ignored', () => {
    assert.deepEqual(readChapter('<!-- guide: server synnefo -->\n```sh\nx\n```\n').server, 'synnefo');
    const embedded = readChapter('<!-- guide: server embedded failing-images=CentOS,Ubuntu -->\n```sh\nx\n```\n');
    assert.deepEqual(embedded.failingImages, ['CentOS', 'Ubuntu']);
    assert.throws(() => readChapter('<!-- guide: server azure -->\n'), /cannot read "guide: server azure"/);
    assert.throws(() => readChapter('<!-- guide: backgroud -->\n```sh\nx\n```\n'), /unknown directive "guide: backgroud"/);
  });

  test("README's tour is the part between its markers", () => {
    const readme = '```sh\nnpm start\n```\n<!-- guide: tour -->\n```sh\ncurl x\n```\n<!-- guide: tour end -->\n```sh\nnot this\n```\n';
    assert.deepEqual(readChapter(readme, tourRegion(readme)).steps.map((s) => s.command), ['curl x\n']);
    assert.throws(() => tourRegion('no markers'), /marks no tour/);
  });

  test('rewriting puts each new output in place of its block, and nothing else moves', () => {
    const c = readChapter(doc);
    const out = rewriteOutputs(doc, c.steps, new Map([[0, 'ONE']]));
    assert.equal(out, doc.replace('```text\none\n```', '```text\nONE\n```'));
  });
});

describe('comparing an output by its shape', () => {
  test('ids, dates, the server address, IPv4 and MAC addresses and lengths are placeholders', () => {
    const printed = [
      'X-OCCI-Location: http://127.0.0.1:41791/compute/67c98017-dfa8-4454-adf6-9acf5358591a',
      'Date: Fri, 04 Dec 2026 22:57:06 GMT',
      'Content-Length: 84',
      'address="203.0.113.12" mac="52:54:00:91:f5:87" at 2026-12-04T22:57:06.123Z',
    ].join('\n');
    assert.deepEqual(normalise(printed), [
      'X-OCCI-Location: http://<host>/compute/<uuid>',
      'Date: <date>',
      'Content-Length: <n>',
      'address="<ip>" mac="<mac>" at <time>',
    ]);
  });

  test('table widths, colours, blank lines and trailing spaces do not count', () => {
    assert.equal(compareShape('┌──┬──┐\n│ a │ b │\n\n', '\u001b[1m┌────┬───┐\u001b[0m\n│ a  │ b   │   \n'), undefined);
  });

  test('everything else must be as written: words, numbers, order', () => {
    assert.deepEqual(compareShape('exit code 2\n', 'exit code 6\n'), { expectedLine: 1, expected: 'exit code 2', actual: 'exit code 6' });
    assert.ok(compareShape('a\nb\n', 'b\na\n'));
    assert.ok(compareShape('a\n', 'a\nb\n'), 'an extra line is a difference');
    assert.ok(compareShape('a\nb\n', 'a\n'), 'a missing line is a difference');
  });

  test('a line of … stands for any number of lines; … in a line for any text', () => {
    assert.equal(compareShape('first\n…\nlast\n', 'first\nlast\n'), undefined);
    assert.equal(compareShape('first\n…\nlast\n', 'first\n1\n2\n3\nlast\n'), undefined);
    assert.equal(compareShape('…\n', ''), undefined);
    assert.equal(compareShape('state="stop…" (acpioff)\n', 'state="stopping" (acpioff)\n'), undefined);
    assert.ok(compareShape('first\n…\nlast\n', 'first\n1\n'));
    assert.ok(compareShape('a…z\n', 'a b c\n'));
    assert.equal(compareShape('x.y (z)\n', 'x.y (z)\n'), undefined, 'other characters are literal');
    assert.ok(compareShape('x.y\n', 'xzy\n'));
  });

  test('what a reader sees: the test servers at their addresses in the guide', () => {
    const seen = asReaderSees('\u001b[32mhttp://127.0.0.1:41791/x\u001b[0m', new Map([['127.0.0.1:41791', 'localhost:8888']]));
    assert.equal(seen, 'http://localhost:8888/x');
  });
});
