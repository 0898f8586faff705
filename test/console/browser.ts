// Debian's Chromium driven by playwright-core, for the console's browser
// tests: never a downloaded browser. Records what a test must check on every
// page: requests (to assert they stay on the server's origin), CSP
// violations, page errors and console errors.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.SNF_OCCI_CHROMIUM ?? '/usr/bin/chromium';
export const SKIP_NO_CHROMIUM = `no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium) to run the console's browser tests`;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** SNF_OCCI_SCREENSHOTS=1 writes docs/console/*.png; other runs leave the tree as it is. */
export const SCREENSHOTS = process.env.SNF_OCCI_SCREENSHOTS === '1' ? join(ROOT, 'docs/console') : undefined;

export function chromiumPresent(): boolean {
  return existsSync(CHROMIUM);
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  // The flags keep Chromium off the network (this machine has none) and out of first-run work;
  // playwright gives every launch a fresh, empty profile directory of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  requests: string[];
  cspViolations: string[];
  errors: string[];
  /** Violations the page itself reported (securitypolicyviolation events). */
  reportedViolations(): Promise<string[]>;
  shot(name: string): Promise<void>;
}

export async function watchedPage(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<Watched> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const requests: string[] = [];
  const cspViolations: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Trusted Type/i.test(text)) cspViolations.push(text);
    else if (m.type() === 'error' && !/status of (400|401|403|404|409)/.test(text)) errors.push(`console error: ${text}`);
  });
  // Runs before the page's own scripts (through the DevTools protocol, not subject to the CSP).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return {
    context,
    page,
    requests,
    cspViolations,
    errors,
    reportedViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp ?? []),
    shot: async (name) => {
      if (!SCREENSHOTS) return;
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
  };
}
