// The console is browser code: it imports the client library, model/ and
// rendering/ (and preact) only; the server never loads it, nor its build tools.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CONSOLE = join(ROOT, 'src/console');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) && n !== 'vite.config.ts' ? [p] : [];
  });
}

const importsOf = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1] as string);

test('src/console imports only itself, client/, model/, rendering/ and preact', () => {
  const files = sources(CONSOLE);
  assert.ok(files.length > 10, 'the walk found the console');
  for (const file of files) {
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) {
        assert.match(spec, /^preact(\/hooks)?$/, `${relative(ROOT, file)} imports ${spec}`);
        continue;
      }
      const target = relative(join(ROOT, 'src'), resolve(dirname(file), spec));
      assert.match(target, /^(console|client|model|rendering)\//, `${relative(ROOT, file)} imports ${target}`);
    }
  }
});

test("the server's console module loads nothing of the browser's or the build's", () => {
  for (const file of ['src/http/console.ts', 'src/http/console-signin.ts']) {
    for (const spec of importsOf(join(ROOT, file))) {
      assert.ok(spec.startsWith('.') || spec.startsWith('node:'), `${file} imports ${spec}`);
      assert.doesNotMatch(spec, /console\/|client\//, `${file} imports ${spec}`);
    }
  }
});
