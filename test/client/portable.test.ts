// The client library runs in browsers too: everything it imports, transitively,
// lies in client/, model/, rendering/ (or the pure errors module), uses no
// node: module and no Node-only global; and the package exports it as
// snf-occi/client.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1] as string);
}

test('src/client imports only client/, model/, rendering/ and errors.ts, with no Node-only API', () => {
  const seen = new Set<string>();
  const queue = [join(ROOT, 'src/client/index.ts')];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    const rel = relative(join(ROOT, 'src'), file);
    assert.match(rel, /^(client|model|rendering)\/|^errors\.ts$/, `${rel} is outside what the client may use`);
    assert.doesNotMatch(text, /\bBuffer\b|\bprocess\.|\brequire\(/, `${rel} uses a Node-only API`);
    for (const spec of imports(file)) {
      assert.ok(spec.startsWith('.'), `${rel} imports ${spec}: the library uses fetch and nothing from node_modules or node:`);
      queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  }
  assert.ok(seen.size > 10);
});

test('the package exports the library as snf-occi/client', async () => {
  const mod = await import('snf-occi/client');
  assert.equal(typeof mod.OcciClient, 'function');
  assert.equal(typeof mod.stateOf, 'function');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.deepEqual(Object.keys(pkg.bin).sort(), ['occi', 'snf-occi']);
});

test("the server's start-up path loads none of the occi command's libraries", () => {
  const seen = new Set<string>();
  const queue = [join(ROOT, 'src/cli/main.ts')];
  const CLIENT_ONLY = ['commander', 'cli-table3', 'yaml', 'nanospinner'];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const rel = relative(join(ROOT, 'src'), file);
    assert.doesNotMatch(rel, /^(client|cli\/occi)\//, `the server imports ${rel}`);
    // Static imports only: the server's lazy `await import()`s load on demand.
    for (const spec of imports(file)) {
      assert.ok(!CLIENT_ONLY.includes(spec), `${rel} imports ${spec}`);
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  }
  assert.ok(seen.size > 20, 'the walk reached the server');
});
