// After the build: make `npx snf-occi` work inside this checkout by linking
// the command into node_modules/.bin (npm links only dependencies' commands).
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'src', 'cli', 'main.js');
const bin = join(root, 'node_modules', '.bin');
chmodSync(main, 0o755);
mkdirSync(bin, { recursive: true });
const link = join(bin, 'snf-occi');
rmSync(link, { force: true });
symlinkSync(relative(bin, main), link);
