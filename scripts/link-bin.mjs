// After the build: make `npx snf-occi` and `npx occi` work inside this
// checkout by linking the commands into node_modules/.bin (npm links only
// dependencies' commands).
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin');
const commands = {
  'snf-occi': join(root, 'dist', 'src', 'cli', 'main.js'),
  occi: join(root, 'dist', 'src', 'cli', 'occi', 'main.js'),
};
mkdirSync(bin, { recursive: true });
for (const [name, main] of Object.entries(commands)) {
  if (!existsSync(main)) continue;
  chmodSync(main, 0o755);
  const link = join(bin, name);
  rmSync(link, { force: true });
  symlinkSync(relative(bin, main), link);
}
