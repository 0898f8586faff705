// The user guide runs: every docs/guide/*.md chapter, and README.md's tour,
// is read by guide-doc.ts, its ```sh blocks run in order in one shell
// against a cloud of its own (guide-servers.ts), and each ```text block
// compared with what its command printed by the rule in guide-shape.ts.
// `npm run guide:update` (UPDATE_GUIDE=1) writes the real outputs into the
// blocks that no longer match, instead of failing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readChapter, rewriteOutputs, tourRegion, type Chapter } from './guide-doc.js';
import { OPENSTACK_SKIP, openCloud, portFromLog, ROOT } from './guide-servers.js';
import { asReaderSees, compareShape } from './guide-shape.js';
import { ChapterShell } from './guide-shell.js';

const UPDATE = Boolean(process.env.UPDATE_GUIDE);
/** GUIDE_CHAPTER=walk runs only the chapters whose path holds that text (for writers). */
const ONLY = process.env.GUIDE_CHAPTER;
const GUIDE = join(ROOT, 'docs/guide');

interface Source {
  file: string;
  chapter: Chapter;
  /** README's tour runs in the checkout, as its reader would; chapters in a directory of their own. */
  inCheckout: boolean;
}

function sources(): Source[] {
  const out: Source[] = readdirSync(GUIDE)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => ({ file: join(GUIDE, f), chapter: readChapter(readFileSync(join(GUIDE, f), 'utf8')), inCheckout: false }));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  out.push({ file: join(ROOT, 'README.md'), chapter: readChapter(readme, tourRegion(readme)), inCheckout: true });
  return ONLY ? out.filter((s) => s.file.includes(ONLY)) : out;
}

/** The tools the examples use that a machine may lack; CI installs them (.ci/run). */
function missingTools(): string[] {
  return ['bash', 'curl', 'jq'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

interface Failure {
  /** Only the output differs: UPDATE_GUIDE may rewrite it. */
  output: boolean;
  message: string;
}

async function runChapter(src: Source): Promise<{ failures: Failure[]; outputs: Map<number, string> }> {
  const { chapter } = src;
  const cloud = await openCloud(chapter.server, { failingImages: chapter.failingImages });
  const shell = new ChapterShell(cloud.scratch, cloud.env, src.inCheckout ? ROOT : cloud.work);
  const slow = chapter.server === 'openstack';
  const failures: Failure[] = [];
  const outputs = new Map<number, string>();
  try {
    for (const [i, step] of chapter.steps.entries()) {
      const where = `${src.file.slice(ROOT.length)}:${step.line}`;
      if (step.background) {
        const log = join(cloud.scratch, `server-${i}.log`);
        shell.background(step.command, log);
        const port = await portFromLog(log, 30_000);
        cloud.serveAt(port);
        shell.export('OCCI_ENDPOINT', cloud.env.OCCI_ENDPOINT!);
        continue;
      }
      let ran;
      try {
        ran = await shell.run(step.command, slow ? 300_000 : 60_000);
      } catch (err) {
        failures.push({ output: false, message: `${where}: ${(err as Error).message}` });
        break;
      }
      const printed = asReaderSees(ran.stdout, cloud.addresses);
      const context = `${where}: $ ${step.command.trim()}\n--- stderr:\n${ran.stderr.slice(-3000)}`;
      if (ran.status !== 0) failures.push({ output: false, message: `${context}\nexited with status ${ran.status}; it printed:\n${printed}` });
      if (!step.output) continue;
      const mismatch = compareShape(step.output.text, printed);
      if (!mismatch) continue;
      outputs.set(i, printed);
      failures.push({
        output: true,
        message:
          `${context}\n--- its output, line ${mismatch.expectedLine} of the block at line ${step.output.line}:\n` +
          `expected: ${mismatch.expected}\n     got: ${mismatch.actual}\n--- everything it printed:\n${printed}`,
      });
    }
  } finally {
    await shell.close();
    await cloud.close();
  }
  // Examples such as `curl -v` print the token on stderr: test logs show none.
  const secrets = ['AUTH', 'OCCI_TOKEN', 'SNF_TOKEN', 'OS_PASSWORD'].map((k) => cloud.env[k]).filter((v): v is string => Boolean(v));
  for (const f of failures) for (const v of secrets) f.message = f.message.split(v).join('<token>');
  return { failures, outputs };
}

describe('the user guide: every example runs and prints what the guide shows', { concurrency: 3 }, () => {
  const missing = missingTools();
  for (const src of sources()) {
    const name = src.file.slice(ROOT.length);
    test(name, { timeout: 15 * 60_000 }, async (t) => {
      if (missing.length > 0) return t.skip(`the guide's examples need ${missing.join(' and ')}: apt-get install ${missing.join(' ')}`);
      if (src.chapter.server === 'openstack' && !process.env.OS_AUTH_URL) return t.skip(OPENSTACK_SKIP);
      assert.ok(src.chapter.steps.length > 0, `${name} has no examples to run`);
      const { failures, outputs } = await runChapter(src);
      if (UPDATE && outputs.size > 0) {
        writeFileSync(src.file, rewriteOutputs(readFileSync(src.file, 'utf8'), src.chapter.steps, outputs));
        t.diagnostic(`${name}: rewrote ${outputs.size} output block(s)`);
        const rest = failures.filter((f) => !f.output).map((f) => f.message);
        assert.deepEqual(rest, [], 'examples that failed otherwise than by their output');
        return;
      }
      assert.ok(failures.length === 0, `${failures.length} example(s) of ${name} did not do what the guide shows:\n\n${failures.map((f) => f.message).join('\n\n')}`);
    });
  }
});
