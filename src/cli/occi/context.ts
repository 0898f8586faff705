// What every verb shares: the global options, the client built from them,
// output and progress, and resolving what people type (an id, a URL,
// kind/id or a title) into entity URLs.
import { Command, Option } from 'commander';
import { LookupError, NotFoundError, OcciClient, lastSegment, type Discovery, type Entity, type RenderingChoice, type WaitOptions } from '../../client/index.js';
import { debugText, rawText } from './exchanges.js';
import { UsageError } from './exit.js';
import { FORMATS, renderRecord, renderRows, useColour, type Format, type OutputOptions, type Row } from './output.js';
import { progressReporter } from './progress.js';
import { resolveConnection } from './settings.js';
import { FileTokenCache, tokenCacheFile } from './token-cache.js';

export interface GlobalOptions {
  endpoint?: string;
  token?: string;
  osCloud?: string;
  dataDir?: string;
  rendering: RenderingChoice;
  output: Format;
  column: string[];
  color?: boolean;
  debug?: boolean;
  raw?: boolean;
  timeout: string;
}

/** A repeatable option's values. */
export const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** The examples section of a verb's --help. */
export const examples = (lines: string[]): string => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** --wait and --wait-timeout, for verbs whose effect takes time. */
export function withWait(cmd: Command, until: string): Command {
  return cmd.option('--wait', `wait until ${until}, showing progress`).option('--wait-timeout <seconds>', 'give up waiting after this long', '600');
}

/** Adds the options every verb takes (so they may follow the verb). */
export function withGlobals(cmd: Command): Command {
  return cmd
    .option('--endpoint <url>', 'the OCCI server (OCCI_ENDPOINT; default http://localhost:8888)')
    .option('--token <token>', 'a token sent as X-Auth-Token (OCCI_TOKEN)')
    .option('--os-cloud <name>', 'a cloud from clouds.yaml (OS_CLOUD)')
    .option('--data-dir <dir>', "the embedded cloud's data directory, for its token (SNF_OCCI_DATA_DIR)")
    .addOption(new Option('--rendering <r>', 'how to speak OCCI').choices(['auto', 'json', 'text', 'occi']).default('auto'))
    .addOption(new Option('-o, --output <format>', 'output format').choices([...FORMATS]).default('table'))
    .option('-c, --column <name>', 'show only this column (repeat for more)', collect, [])
    .option('--no-color', 'no colour, even on a terminal (also NO_COLOR)')
    .option('--debug', 'print every HTTP exchange on stderr, tokens masked')
    .option('--raw', 'print the OCCI renderings sent and received instead of the usual output')
    .option('--timeout <seconds>', 'per request', '60');
}

export class Run {
  private clientPromise?: Promise<OcciClient>;
  readonly out: OutputOptions;

  constructor(readonly o: GlobalOptions) {
    this.out = { format: o.output, columns: o.column, colour: useColour(process.stdout, o.color) };
  }

  client(): Promise<OcciClient> {
    this.clientPromise ??= this.makeClient();
    return this.clientPromise;
  }

  private async makeClient(): Promise<OcciClient> {
    const c = await resolveConnection({ endpoint: this.o.endpoint, token: this.o.token, osCloud: this.o.osCloud, dataDir: this.o.dataDir });
    const timeout = Number(this.o.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout ${this.o.timeout} is not a number of seconds`);
    if (this.o.debug) process.stderr.write(`* endpoint ${c.endpoint} (from ${c.endpointFrom}); credentials from ${c.authFrom}\n`);
    return new OcciClient({
      endpoint: c.endpoint,
      auth: c.auth,
      rendering: this.o.rendering,
      timeoutMs: timeout * 1000,
      tokenCache: new FileTokenCache(tokenCacheFile()),
      userAgent: 'occi (snf-occi) OCCI/1.2',
      onExchange: (e) => {
        if (this.o.debug) process.stderr.write(debugText(e));
        if (this.o.raw) process.stdout.write(rawText(e));
      },
    });
  }

  async discovery(): Promise<Discovery> {
    return (await this.client()).discover();
  }

  /** Writes to stdout unless --raw replaced the output with the exchanges. */
  print(text: string): void {
    if (!this.o.raw) process.stdout.write(text);
  }

  async printRows(rows: Row[], columns: string[]): Promise<void> {
    if (!this.o.raw) this.print(await renderRows(rows, columns, this.out));
  }

  async printRecord(r: Row): Promise<void> {
    if (!this.o.raw) this.print(await renderRecord(r, this.out));
  }

  /** Wait options with a progress line for `what`. */
  async waiting<T>(what: string, wait: (o: WaitOptions) => Promise<T>, o: { timeoutS: number; okText: string }): Promise<T> {
    // A terminal that reports no width (some pseudo-terminals) gets plain lines: a spinner needs the width.
    const live = !!process.stderr.isTTY && (process.stderr.columns ?? 0) > 0 && !this.o.debug;
    const reporter = await progressReporter(what, process.stderr, live, useColour(process.stderr, this.o.color));
    try {
      const result = await wait({ timeoutMs: o.timeoutS * 1000, onProgress: (p) => reporter.update(p) });
      reporter.stop(true, o.okText);
      return result;
    } catch (e) {
      reporter.stop(false, '');
      throw e;
    }
  }

  /**
   * An entity URL from what people type: a URL, a path, `kind/id`, an id
   * (looked up in each kind's collection), or a unique title.
   */
  async resolve(ref: string, kinds: string[] = ['compute', 'storage', 'network']): Promise<string> {
    const client = await this.client();
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || ref.startsWith('/')) return client.endpoint.resolve(ref);
    const d = await client.discover();
    const slash = ref.indexOf('/');
    if (slash > 0) {
      const kind = d.kinds.find((k) => k.term === ref.slice(0, slash));
      if (kind?.location) return `${kind.location}${ref.slice(slash + 1)}`;
    }
    const locations = kinds.map((k) => d.kinds.find((x) => x.term === k)?.location).filter((l): l is string => !!l);
    const byId = await Promise.all(
      locations.map((l) => client.get(`${l}${encodeURIComponent(ref)}`).then((e) => e.location, (e: unknown) => (e instanceof NotFoundError ? undefined : Promise.reject(e)))),
    );
    const ids = byId.filter((l): l is string => !!l);
    if (ids.length === 1) return ids[0] as string;
    if (ids.length > 1) throw new LookupError(`${ref} is the id of several entities: ${ids.join(', ')}; give kind/id instead`, ids);
    const titled: Entity[] = [];
    for (const k of kinds) if (d.kinds.some((x) => x.term === k)) titled.push(...(await client.listAll(k, { attributes: { 'occi.core.title': ref } })));
    if (titled.length === 1) return (titled[0] as Entity).location;
    if (titled.length > 1) throw new LookupError(`${ref} is the title of several entities: ${titled.map((e) => `${lastSegment(e.location)}`).join(', ')}; give the id instead`, titled.map((e) => e.location));
    throw new NotFoundError({ status: 404, message: `no ${kinds.join(', ')} with id or title ${ref}`, method: 'GET', url: ref });
  }
}

/** Parses `name=value` pairs; values that look like numbers or booleans become them. */
export function parsePairs(pairs: string[], what = '--attribute'): Array<[string, string | number | boolean]> {
  return pairs.map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`${what} ${p}: expected name=value, e.g. ${what} title=web1`);
    const raw = p.slice(eq + 1);
    const value = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
    return [p.slice(0, eq), value];
  });
}

export function seconds(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} ${v} is not a number of seconds`);
  return n;
}
