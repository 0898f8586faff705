// The web console's static files (built by `npm run build` into dist/console/)
// and the few routes around them: / redirects browsers there, /console/token
// signs in with a password. Files are read once, on the first request, into a
// fixed map: no path the caller sends ever reaches the file system.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../port/backend.js';
import { consoleSignIn, SignInLimiter } from './console-signin.js';
import type { Response } from './respond.js';

/** dist/console/, beside dist/src/ where this module runs from. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));
export const CONSOLE_PATH = '/console/';

/** The only files served, by extension; anything else in the build is left out. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Scripts, styles, images and requests from this origin only; no inline code,
 * no eval, no frames, no plugins, forms post nowhere else.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const HARDENING: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

interface StaticFile {
  body: string;
  type: string;
  etag: string;
  /** Hashed names under assets/ never change: cached for a year. */
  immutable: boolean;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve(e.isFile() ? [join(dir, e.name)] : []))));
  return nested.flat();
}

/** Every servable file of a build, by the URL path it answers at. */
export async function loadConsoleFiles(dir: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  for (const file of await walk(dir)) {
    const type = TYPES[file.slice(file.lastIndexOf('.'))];
    if (!type) continue;
    const rel = relative(dir, file).split(sep).join('/');
    const body = await readFile(file, 'utf8');
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    files.set(CONSOLE_PATH + (rel === 'index.html' ? '' : rel), { body, type, etag, immutable: rel.startsWith('assets/') });
  }
  if (!files.has(CONSOLE_PATH)) throw new Error(`${dir} has no index.html`);
  return files;
}

const text = (status: number, body: string, headers: Record<string, string> = {}): Response => ({
  status,
  rendered: { headers: { ...HARDENING, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers }, body: `${body}\n` },
});

const redirect = (status: number, location: string): Response => ({ status, rendered: { headers: { Location: location, 'Cache-Control': 'no-store' }, body: '' }, location });

/** Whether a request for / comes from a browser: the first media range it accepts is text/html. */
export function prefersHtml(accept: string | undefined): boolean {
  return (accept ?? '').split(',')[0]?.split(';')[0]?.trim().toLowerCase() === 'text/html';
}

export interface ConsoleOptions {
  backend: Backend;
  /** Served over TLS: browsers are told to keep to HTTPS. */
  secure: boolean;
  dir?: string;
}

export class ConsoleSite {
  private files?: Promise<Map<string, StaticFile>>;
  private readonly dir: string;
  private readonly signIns = new SignInLimiter();

  constructor(private readonly o: ConsoleOptions) {
    this.dir = o.dir ?? CONSOLE_DIR;
  }

  /** Whether `path` may be the console's (answer() says for sure); OCCI's own paths need not wait for it. */
  claims(path: string): boolean {
    return path === '/' || path === '/console' || path.startsWith(CONSOLE_PATH);
  }

  /** The answer for a console route, or undefined for OCCI's own paths. */
  async answer(req: IncomingMessage, path: string): Promise<Response | undefined> {
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';
    if (path === '/' && read && prefersHtml(req.headers.accept)) return redirect(303, CONSOLE_PATH);
    if (path === '/console' && read) return redirect(301, CONSOLE_PATH);
    if (path === `${CONSOLE_PATH}token`) return consoleSignIn(req, this.o.backend, this.signIns);
    if (!path.startsWith(CONSOLE_PATH)) return undefined;
    if (!read) return text(405, `${method} is not allowed here: the console's files are read with GET`, { Allow: 'GET, HEAD' });
    const files = await this.load();
    if (!files) {
      return text(503, `the web console is not built in this installation: run \`npm run build\` in snf-occi's directory (it writes ${this.dir}), then reload this page`);
    }
    const file = files.get(path);
    if (!file) return text(404, `no console file at ${path.slice(0, 200)}; the console starts at ${CONSOLE_PATH}`);
    const headers: Record<string, string> = {
      ...HARDENING,
      'Content-Type': file.type,
      ETag: file.etag,
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(this.o.secure ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
    };
    if (req.headers['if-none-match'] === file.etag) return { status: 304, rendered: { headers, body: '' } };
    return { status: 200, rendered: { headers, body: file.body } };
  }

  /** The build, read once; a missing build is looked for again on the next request (someone may be building it). */
  private async load(): Promise<Map<string, StaticFile> | undefined> {
    this.files ??= loadConsoleFiles(this.dir);
    try {
      return await this.files;
    } catch {
      this.files = undefined;
      return undefined;
    }
  }
}
