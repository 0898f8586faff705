// Reads a guide chapter (docs/guide/*.md, or the tour in README.md) into the
// steps the harness runs. The rules, which docs/guide/README.md states for
// writers too:
// - every ```sh block is run, in order, in one shell per chapter;
// - the first fenced block after it, when it is ```text, is its output
//   (prose may come between; any other block in between means "no output");
// - other blocks (```console, ```json, ```yaml …) are for reading, not run;
// - `<!-- guide: background -->` just before a ```sh block runs it in the
//   background: it starts a server, which becomes the chapter's endpoint;
// - `<!-- guide: server synnefo -->` or `<!-- guide: server openstack -->`
//   anywhere in a chapter says which cloud it needs (default: embedded;
//   `server embedded failing-images=CentOS` makes those images fail to boot);
// - in README.md only the part between `<!-- guide: tour -->` and
//   `<!-- guide: tour end -->` is a chapter.

export interface Output {
  /** The block's body as written, and where it sits in the file (offsets of the body). */
  text: string;
  start: number;
  end: number;
  line: number;
}

export interface Step {
  command: string;
  /** 1-based line of the ```sh fence. */
  line: number;
  background: boolean;
  output?: Output;
}

export type ServerNeed = 'embedded' | 'synnefo' | 'openstack';

export interface Chapter {
  server: ServerNeed;
  /** Images whose computes fail to boot on the embedded cloud (`failing-images=CentOS`). */
  failingImages: string[];
  steps: Step[];
}

const FENCE = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
const DIRECTIVE = /<!--\s*guide:\s*([\s\S]*?)\s*-->/g;
const TOUR_START = '<!-- guide: tour -->';
const TOUR_END = '<!-- guide: tour end -->';

function lineAt(doc: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (doc.charCodeAt(i) === 10) n++;
  return n;
}

/** The directives between the end of the previous fence and this one. */
function directivesBefore(between: string): string[] {
  return [...between.matchAll(DIRECTIVE)].map((m) => m[1]!.trim());
}

function serverOf(doc: string): Pick<Chapter, 'server' | 'failingImages'> {
  const found = [...doc.matchAll(DIRECTIVE)].map((m) => m[1]!.trim()).filter((d) => /^server\s/.test(d));
  if (found.length > 1) throw new Error(`a chapter needs one server, this one names ${found.join(', ')}`);
  if (!found[0]) return { server: 'embedded', failingImages: [] };
  const m = /^server\s+(embedded|synnefo|openstack)(?:\s+failing-images=(\S+))?$/.exec(found[0]);
  if (!m) throw new Error(`cannot read "guide: ${found[0]}" (server embedded|synnefo|openstack, optionally failing-images=A,B)`);
  return { server: m[1] as ServerNeed, failingImages: m[2]?.split(',') ?? [] };
}

/** The chapter in a guide file; `region` limits it to a part of the file (offsets). */
export function readChapter(doc: string, region: { from: number; to: number } = { from: 0, to: doc.length }): Chapter {
  const steps: Step[] = [];
  let last: Step | undefined;
  let previousEnd = region.from;
  for (const m of doc.matchAll(FENCE)) {
    const at = m.index;
    if (at < region.from || at >= region.to) continue;
    const [whole, lang = '', body = ''] = m;
    const directives = directivesBefore(doc.slice(previousEnd, at));
    previousEnd = at + whole.length;
    for (const d of directives) {
      if (d !== 'background' && !/^server\s/.test(d) && d !== 'tour' && d !== 'tour end') throw new Error(`line ${lineAt(doc, at)}: unknown directive "guide: ${d}"`);
    }
    if (lang === 'sh') {
      last = { command: body, line: lineAt(doc, at), background: directives.includes('background') };
      steps.push(last);
      continue;
    }
    if (lang === 'text' && last && !last.output && !last.background) {
      const start = at + whole.indexOf('\n') + 1;
      last.output = { text: body, start, end: start + body.length, line: lineAt(doc, at) };
    }
    last = undefined;
  }
  return { ...serverOf(doc.slice(region.from, region.to)), steps };
}

/** README.md's five-minute tour: the part between the tour markers. */
export function tourRegion(doc: string): { from: number; to: number } {
  const from = doc.indexOf(TOUR_START);
  const to = doc.indexOf(TOUR_END);
  if (from < 0 || to < from) throw new Error(`README.md marks no tour (${TOUR_START} … ${TOUR_END})`);
  return { from, to };
}

/** The file with the given outputs (by step index) written in place of the ones it has. */
export function rewriteOutputs(doc: string, steps: Step[], outputs: Map<number, string>): string {
  let out = doc;
  const order = [...outputs.keys()].sort((a, b) => b - a);
  for (const i of order) {
    const o = steps[i]?.output;
    if (!o) continue;
    let text = outputs.get(i)!;
    if (text !== '' && !text.endsWith('\n')) text += '\n';
    out = out.slice(0, o.start) + text + out.slice(o.end);
  }
  return out;
}
