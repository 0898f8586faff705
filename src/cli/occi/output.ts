// Output for people and scripts: a table (colour only on a terminal, never
// with NO_COLOR), or json, yaml, value (tab-separated, one row a line); -c
// picks columns. Table and YAML libraries load only when used.
import { UsageError } from './exit.js';

export type Format = 'table' | 'json' | 'yaml' | 'value';
export const FORMATS: readonly Format[] = ['table', 'json', 'yaml', 'value'];
export type Cell = string | number | boolean | undefined | Cell[] | { [k: string]: Cell };
export type Row = Record<string, Cell>;

export interface OutputOptions {
  format: Format;
  columns: string[];
  colour: boolean;
}

export function useColour(stream: { isTTY?: boolean }, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag !== false && !!stream.isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

const ANSI: Record<string, string> = { green: '32', red: '31', yellow: '33', cyan: '36', dim: '2', bold: '1' };
export function paint(on: boolean, colour: keyof typeof ANSI, text: string): string {
  return on ? `\u001b[${ANSI[colour]}m${text}\u001b[0m` : text;
}

const STATE_COLOURS: Record<string, keyof typeof ANSI> = { active: 'green', online: 'green', error: 'red', inactive: 'yellow', offline: 'yellow', suspended: 'yellow' };

function pickColumns(rows: Row[], all: string[], wanted: string[]): string[] {
  if (wanted.length === 0) return all;
  const known = new Set([...all, ...rows.flatMap((r) => Object.keys(r))]);
  const missing = wanted.filter((c) => !known.has(c));
  if (missing.length > 0) throw new UsageError(`no column ${missing.join(', ')}; the columns are: ${[...known].join(', ')}`);
  return wanted;
}

function text(cell: Cell): string {
  if (cell === undefined) return '';
  if (Array.isArray(cell)) return cell.map(text).join(', ');
  if (typeof cell === 'object') return JSON.stringify(cell);
  return String(cell);
}

function select(row: Row, columns: string[]): Row {
  return Object.fromEntries(columns.map((c) => [c, row[c]]));
}

async function table(head: string[], body: string[][], colour: boolean): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const t = new Table({ head: head.map((h) => paint(colour, 'cyan', h)), style: { head: [], border: [], compact: true }, wordWrap: true });
  for (const r of body) t.push(r);
  return `${t.toString()}\n`;
}

async function serialise(value: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  const { stringify } = await import('yaml');
  return stringify(value);
}

/** A list: one row per entity. */
export async function renderRows(rows: Row[], all: string[], o: OutputOptions): Promise<string> {
  const columns = pickColumns(rows, all, o.columns);
  if (o.format === 'json' || o.format === 'yaml') return serialise(rows.map((r) => select(r, columns)), o.format);
  if (o.format === 'value') return rows.map((r) => columns.map((c) => text(r[c])).join('\t') + '\n').join('');
  const body = rows.map((r) => columns.map((c) => (c === 'state' && typeof r[c] === 'string' ? paint(o.colour, STATE_COLOURS[r[c] as string] ?? 'dim', r[c] as string) : text(r[c]))));
  return table(columns, body, o.colour);
}

/** One record: a field/value table, or the record itself. */
export async function renderRecord(record: Row, o: OutputOptions): Promise<string> {
  const columns = pickColumns([record], Object.keys(record).filter((k) => record[k] !== undefined), o.columns);
  const picked = select(record, columns);
  if (o.format === 'json' || o.format === 'yaml') return serialise(picked, o.format);
  // One value a line; a list gives one line per item.
  if (o.format === 'value') return columns.map((c) => (Array.isArray(picked[c]) ? (picked[c] as Cell[]).map((v) => `${text(v)}\n`).join('') : `${text(picked[c])}\n`)).join('');
  const body = columns.map((c) => {
    const v = picked[c];
    const shown = Array.isArray(v) ? v.map(text).join('\n') : v !== null && typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k}=${text(x)}`).join('\n') : text(v);
    return [c, c === 'state' && typeof v === 'string' ? paint(o.colour, STATE_COLOURS[v] ?? 'dim', shown) : shown];
  });
  return table(['field', 'value'], body, o.colour);
}
