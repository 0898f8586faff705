// Every relative link in README.md, DEVELOPERS.md and docs/**/*.md points at
// a file that exists and, with a #fragment, at a heading of that file (by
// GitHub's rule for heading anchors).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from './guide-servers.js';

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The text outside fenced blocks and inline code, where links are links. */
export function prose(md: string): string {
  return md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const text = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');
  for (const m of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = m[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** The link targets of a Markdown text: inline links and images, and reference definitions. */
export function linkTargets(md: string): string[] {
  const text = prose(md);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const defined = [...text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]!);
  return [...inline, ...defined];
}

describe('documentation links', () => {
  test('the heading anchors follow GitHub', () => {
    const a = anchors('# The `occi` command\n## Before you start\n## A, b & c!\n## Before you start\n```sh\n# not a heading\n```\n');
    assert.deepEqual([...a], ['the-occi-command', 'before-you-start', 'a-b--c', 'before-you-start-1']);
    assert.deepEqual(linkTargets('[a](x.md#y) `[b](no.md)`\n[c]: ../z.md\n'), ['x.md#y', '../z.md']);
  });

  const files = [join(ROOT, 'README.md'), join(ROOT, 'DEVELOPERS.md'), ...markdownFiles(join(ROOT, 'docs'))];
  for (const file of files) {
    test(`${relative(ROOT, file)}: every relative link resolves`, () => {
      const broken: string[] = [];
      for (const target of linkTargets(readFileSync(file, 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto: …
        const [path = '', fragment] = target.split('#');
        const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path));
        if (!existsSync(resolved)) {
          broken.push(`${target}: no file ${relative(ROOT, resolved)}`);
          continue;
        }
        if (fragment && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(fragment)) {
          broken.push(`${target}: ${relative(ROOT, resolved)} has no heading with the anchor #${fragment}`);
        }
      }
      assert.deepEqual(broken, [], `broken links in ${relative(ROOT, file)}`);
    });
  }
});
