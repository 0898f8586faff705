// docs/guide/occi.md runs: each ```sh block in order (OCCI_ENDPOINT and
// OCCI_TOKEN set, `occi` on the PATH) against a fresh embedded cloud, and its
// stdout must have the shape of the ```text block after it (ids, ports and
// numbers aside, table widths aside). UPDATE_GUIDE=1 rewrites those blocks
// with the real output instead.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ALICE, startServer, type TestServer } from '../helpers/server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GUIDE = `${ROOT}docs/guide/occi.md`;

interface Example {
  command: string;
  /** Index in the file of the expected output's body, and its text. */
  expected?: { start: number; end: number; text: string };
}

export function examples(doc: string): Example[] {
  const out: Example[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```\n/gm;
  let m: RegExpExecArray | null;
  let last: Example | undefined;
  while ((m = fence.exec(doc))) {
    const [, lang, body = ''] = m;
    if (lang === 'sh') {
      last = { command: body };
      out.push(last);
    } else if (lang === 'text' && last && !last.expected) {
      const start = m.index + m[0].indexOf('\n') + 1;
      last.expected = { start, end: start + body.length, text: body };
    } else last = undefined;
  }
  return out;
}

/** What must match: UUIDs, URLs' origins and numbers are free; runs of spaces and table rules are one. */
export function shape(text: string): string[] {
  return text
    .replace(/\u001b\[[0-9;]*m/g, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/https?:\/\/[^/\s"]+/g, '<origin>')
    .replace(/\d+(\.\d+)?/g, '0')
    .replace(/─+/g, '─')
    .replace(/[ \t]+/g, ' ')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
}

function sh(command: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], { env: { ...process.env, ...env }, cwd: ROOT, timeout: 120_000 }, (_err, stdout) => resolve(stdout));
  });
}

describe('docs/guide/occi.md: every example runs and prints what the guide shows', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer((c) => {
      c.local.failingImages = ['CentOS'];
    });
  });
  after(() => server.close());

  test('the examples, in order', { timeout: 300_000 }, async () => {
    let doc = readFileSync(GUIDE, 'utf8');
    const list = examples(doc);
    assert.ok(list.length >= 15, 'the guide has its examples');
    const env = { OCCI_ENDPOINT: server.url, OCCI_TOKEN: ALICE, PATH: `${ROOT}node_modules/.bin:${process.env.PATH}`, NO_COLOR: '1' };
    const outputs: string[] = [];
    for (const ex of list) outputs.push(await sh(ex.command, env));
    if (process.env.UPDATE_GUIDE) {
      for (let i = list.length - 1; i >= 0; i--) {
        const e = list[i]?.expected;
        if (e) doc = doc.slice(0, e.start) + (outputs[i] ?? '') + doc.slice(e.end);
      }
      writeFileSync(GUIDE, doc);
      return;
    }
    list.forEach((ex, i) => {
      assert.ok(ex.expected, `the example ${ex.command.trim()} is followed by its output`);
      assert.deepEqual(shape(outputs[i] ?? ''), shape(ex.expected.text), `output of: ${ex.command.trim()}`);
    });
  });
});
