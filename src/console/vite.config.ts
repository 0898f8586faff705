// Builds the web console into dist/console/ (served by snf-occi at /console/):
// hashed assets, no inline script or style (the server's Content-Security-Policy
// forbids them), and the size reported after every build.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const OUT = fileURLToPath(new URL('../../dist/console/', import.meta.url));
/** The production bundle stays under this, gzipped (issue 11). */
const BUDGET_KB = 200;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

/** Prints the bundle's size and fails the build past the budget. */
function sizeReport(): Plugin {
  return {
    name: 'snf-occi-console-size',
    apply: 'build',
    closeBundle() {
      let raw = 0;
      let gz = 0;
      const all = files(OUT);
      for (const f of all) {
        const b = readFileSync(f);
        raw += b.length;
        gz += gzipSync(b, { level: 9 }).length;
      }
      const kb = (n: number): string => (n / 1024).toFixed(1);
      console.log(`console: ${all.length} files in dist/console, ${kb(raw)} KB, ${kb(gz)} KB gzipped (budget ${BUDGET_KB} KB gzipped)`);
      if (gz > BUDGET_KB * 1024) throw new Error(`the console's bundle is ${kb(gz)} KB gzipped, over its ${BUDGET_KB} KB budget`);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: OUT,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Everything is a file: no data: URLs or inlined scripts.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  plugins: [sizeReport()],
});
