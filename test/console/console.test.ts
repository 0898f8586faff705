// The web console in a real browser (Debian's Chromium through playwright-core)
// against snf-occi on the embedded cloud: the scenario of issue 11, under the
// server's Content-Security-Policy, with no request leaving the server's
// origin. Every wait is on a condition; a timeout says what was last seen.
// SNF_OCCI_SCREENSHOTS=1 also writes docs/console/*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { ALICE, startServer, type TestServer } from '../helpers/server.js';
import { chromiumPresent, launch, SKIP_NO_CHROMIUM, watchedPage, type Watched } from './browser.js';

const OS_UBUNTU = 'http://schemas.snf-occi.org/occi/os_tpl#Ubuntu';
const C2R2048 = 'http://schemas.snf-occi.org/occi/resource_tpl#C2R2048D20';

const row = (page: Page, title: string): Locator => page.locator('tbody tr', { has: page.getByRole('link', { name: title, exact: true }) });

/** Waits for a row's state badge to read `state`; on timeout says what it read. */
async function waitState(r: Locator, state: string): Promise<void> {
  try {
    await r.locator('.badge', { hasText: new RegExp(`^${state}$`) }).waitFor();
  } catch (e) {
    const seen = await r.innerText().catch(() => '(row gone)');
    const alerts = await r.page().getByRole('alert').allInnerTexts();
    throw new Error(`the row never showed ${state}; last seen: ${seen.replace(/\s+/g, ' ')}; alerts: ${alerts.join(' | ') || 'none'}`, { cause: e });
  }
}

async function go(page: Page, view: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: view }).waitFor();
}

async function confirmWith(page: Page, verb: string): Promise<void> {
  await page.getByRole('dialog').getByRole('button', { name: verb, exact: true }).click();
}

/** Every form control and button on the page has a name a screen reader can say. */
async function unlabelled(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => {
        const named = el.getAttribute('aria-label') || (el as HTMLInputElement).labels?.length || (el.tagName === 'BUTTON' && el.textContent?.trim());
        return !named && (el as HTMLElement).offsetParent !== null;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('Token', { exact: true }).fill(token);
  await page.getByRole('form', { name: 'Sign in with a token' }).getByRole('button', { name: 'Sign in' }).click();
}

describe('web console in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  const present = chromiumPresent();
  before(async () => {
    if (!present) return;
    s = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  /** After each scenario: nothing left the origin, nothing broke the CSP, no script failed. */
  async function clean(w: Watched): Promise<void> {
    const outside = w.requests.filter((u) => !u.startsWith(`${s.url}/`));
    assert.deepEqual(outside, [], 'the console made requests outside the server’s origin');
    assert.ok(w.requests.length > 10, 'the watch saw the console’s requests');
    assert.deepEqual(w.cspViolations, [], 'Content-Security-Policy violations in the console');
    assert.deepEqual(await w.reportedViolations(), [], 'securitypolicyviolation events');
    assert.deepEqual(w.errors, [], 'script errors');
    assert.ok(!(await w.page.content()).includes(ALICE), 'the token never shows in the page');
  }

  test('issue 11: sign in, computes from templates, stop and start, a volume attached and seen in the graph, tags, delete, sign out', async (t) => {
    if (!present) return t.skip(SKIP_NO_CHROMIUM);
    const w = await watchedPage(browser);
    const { page } = w;
    try {
      const first = await page.goto(`${s.url}/`);
      assert.equal(new URL(page.url()).pathname, '/console/', 'a browser asking for / lands on the console');
      assert.match(String(first?.headers()['content-security-policy']), /default-src 'self'.*frame-ancestors 'none'/);
      await w.shot('signin');

      // A bad token: the server's own refusal, in place.
      const refusal = await s.request('GET', '/-/', { token: 'not-a-token', headers: { Accept: 'text/plain' } });
      await signIn(page, s.url, 'not-a-token');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.ok((await alert.innerText()).includes(refusal.body.split('\n')[0] as string), `the alert says what the server said: ${refusal.body}`);

      await signIn(page, s.url, ALICE);
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie');
      assert.equal(await page.evaluate(() => sessionStorage.length), 1, 'the token is kept in session storage');

      // Keyboard: a view opened from the navigation puts the focus on its heading.
      await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Computes', exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Computes' }).waitFor();
      await page.waitForFunction(() => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === 'Computes');

      // A compute from templates, with a network, an SSH key read from a file and user data.
      await page.getByRole('button', { name: 'New compute' }).click();
      await page.getByLabel('Title').fill('web1');
      await page.getByLabel('OS template').selectOption(OS_UBUNTU);
      await page.getByLabel('Resource template').selectOption(C2R2048);
      await page.getByRole('checkbox', { name: 'public' }).check();
      await page.getByLabel('or read from a file').first().setInputFiles({ name: 'id.pub', mimeType: 'text/plain', buffer: Buffer.from('ssh-ed25519 AAAAC3Nza alice@laptop\n') });
      await page.waitForFunction(() => (document.getElementById('ssh-public-key') as HTMLTextAreaElement | null)?.value.startsWith('ssh-ed25519'));
      await page.getByLabel('User data (cloud-init)').fill('#cloud-config\npackages: [nginx]\n');
      await w.shot('compute-form');
      await page.getByRole('button', { name: 'Create compute' }).click();
      const web1 = row(page, 'web1');
      await waitState(web1, 'active');
      const webLoc = (await web1.getAttribute('data-location')) as string;
      assert.match(await web1.innerText(), /Ubuntu · C2R2048D20/);
      assert.match(await web1.innerText(), /203\.0\.113\.\d+/, 'the address on public shows');

      // Stop (confirmed; Escape cancels first), then start.
      await page.getByRole('button', { name: 'stop web1' }).click();
      await page.getByRole('dialog').waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'stop web1' }).click();
      await confirmWith(page, 'stop');
      await waitState(web1, 'inactive');
      await page.getByRole('button', { name: 'start web1' }).click();
      await waitState(web1, 'active');
      await w.shot('computes');

      // A volume, attached to web1.
      await go(page, 'Storage');
      await page.getByRole('button', { name: 'New volume' }).click();
      await page.getByLabel('Title').fill('data1');
      await page.getByLabel('Size (GB)').fill('2');
      await page.getByRole('button', { name: 'Create volume' }).click();
      const data1 = row(page, 'data1');
      await waitState(data1, 'online');
      const dataLoc = (await data1.getAttribute('data-location')) as string;
      await page.getByLabel('compute to attach data1 to').selectOption({ label: 'web1' });
      await page.getByRole('button', { name: 'attach data1' }).click();
      await data1.getByRole('button', { name: 'detach data1 from web1' }).waitFor();
      assert.match(await data1.innerText(), /web1 \/dev\/vd[a-z]/);
      await page.getByLabel('new size of data1 in GB').fill('3');
      await page.getByRole('button', { name: 'resize data1' }).click();
      await data1.getByRole('cell', { name: '3 GB', exact: true }).waitFor();
      await page.getByRole('button', { name: 'snapshot data1' }).click();
      await data1.getByText('snapshotting…').waitFor({ state: 'detached' });
      await waitState(data1, 'online');
      assert.equal(await page.getByRole('alert').count(), 0, 'resize and snapshot went through');

      // The graph shows the new edge; clicking the volume opens it.
      await go(page, 'Graph');
      await page.locator(`line.edge-storagelink[data-source="${webLoc}"][data-target="${dataLoc}"]`).waitFor({ state: 'attached' });
      await page.locator(`line.edge-networkinterface[data-source="${webLoc}"]`).waitFor({ state: 'attached' });
      await w.shot('graph');
      await page.locator(`a.node[data-location="${dataLoc}"]`).click();
      await page.getByRole('heading', { level: 1, name: 'data1' }).waitFor();
      await page.getByRole('heading', { name: 'Attributes' }).waitFor();
      assert.match(await page.locator('.kv').innerText(), /occi\.storage\.size\s+3/);

      // A tag: defined, put on data1, filtered on.
      await go(page, 'Tags');
      await page.getByLabel('Term (letters, digits, -, _ and .)').fill('prod');
      await page.getByLabel('Title (optional)').fill('Production');
      await page.getByRole('button', { name: 'Create tag' }).click();
      await page.getByRole('cell', { name: 'Production', exact: true }).waitFor();
      await go(page, 'Storage');
      await page.getByLabel('tag to add to data1').selectOption({ label: 'Production' });
      await page.getByRole('button', { name: 'tag data1', exact: true }).click();
      await data1.getByRole('button', { name: 'remove tag Production from data1' }).waitFor();
      await w.shot('storage');
      await go(page, 'Computes');
      await page.getByLabel('Show tag').selectOption({ label: 'Production' });
      await page.getByText('No compute carries this tag.').waitFor();
      await page.getByLabel('Show tag').selectOption({ label: 'all' });
      await web1.waitFor();

      // Learn OCCI: the request behind the view, in JSON and text/plain, the token masked.
      await go(page, 'Storage');
      await page.getByText('Learn OCCI: the requests behind this view').click();
      const learn = page.locator('pre.learn-text').first();
      await page.waitForFunction((u) => document.querySelector('pre.learn-text')?.textContent?.includes(`GET ${u}/storage/`), s.url);
      assert.match(await learn.innerText(), /X-Auth-Token: alic…\(masked\)/);
      await page.getByRole('button', { name: 'text/plain' }).first().click();
      await page.waitForFunction((loc) => document.querySelector('pre.learn-text[data-rendering="text"]')?.textContent?.includes(`X-OCCI-Location: ${loc}`), dataLoc);
      assert.ok((await page.locator('.learn').innerText()).includes(`POST ${s.url}/tags/prod/`), 'the tagging is among the last changes');
      await w.shot('learn');

      // Overview counts.
      await go(page, 'Overview');
      assert.match(await page.getByRole('region', { name: 'Computes' }).innerText(), /1[\s\S]*active 1/);
      await w.shot('overview');
      await go(page, 'Networks');
      await w.shot('networks');

      // Delete both.
      await go(page, 'Computes');
      await page.getByRole('button', { name: 'delete web1' }).click();
      await confirmWith(page, 'delete');
      await web1.waitFor({ state: 'detached' });
      await go(page, 'Storage');
      await page.getByRole('button', { name: 'delete data1' }).click();
      await confirmWith(page, 'delete');
      await data1.waitFor({ state: 'detached' });
      const left = (await s.request('GET', '/compute/', { headers: { Accept: 'text/plain' } })).body + (await s.request('GET', '/storage/', { headers: { Accept: 'text/plain' } })).body;
      assert.doesNotMatch(left, /X-OCCI-Location/, 'nothing left in the cloud');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to snf-occi' }).waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'signing out forgets the token');
      await clean(w);
    } finally {
      await w.context.close();
    }
  });

  test('at 360 px wide: no sideways scrolling, every control labelled; a network up and down, a compute attached, a refusal in place', async (t) => {
    if (!present) return t.skip(SKIP_NO_CHROMIUM);
    const w = await watchedPage(browser, { width: 360, height: 740 });
    const { page } = w;
    try {
      await signIn(page, s.url, ALICE);
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      await go(page, 'Networks');
      await page.getByRole('button', { name: 'New network' }).click();
      await page.getByLabel('Title').fill('backend');
      await page.getByLabel('Address range (CIDR)').fill('10.9.0.0/24');
      await page.getByRole('button', { name: 'Create network' }).click();
      const backend = row(page, 'backend');
      await waitState(backend, 'active');
      assert.match(await backend.innerText(), /10\.9\.0\.0\/24/);
      await page.getByRole('button', { name: 'down backend' }).click();
      await confirmWith(page, 'down');
      await waitState(backend, 'inactive');
      await page.getByRole('button', { name: 'up backend' }).click();
      await waitState(backend, 'active');
      // A compute made elsewhere (here, by plain OCCI) shows up, and is attached to the network from its row.
      const made = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain', Accept: 'text/plain' }, body: 'Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\nX-OCCI-Attribute: occi.core.title="app1"\n' });
      assert.equal(made.status, 201, made.body);
      await page.getByLabel('compute to attach backend to').selectOption({ label: 'app1' });
      await page.getByRole('button', { name: 'attach backend' }).click();
      await backend.getByRole('button', { name: 'detach backend from app1' }).waitFor();
      assert.match(await backend.innerText(), /app1 10\.9\.0\.\d+/);
      for (const view of ['Overview', 'Computes', 'Storage', 'Networks', 'Graph', 'Tags']) {
        await go(page, view);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 360, `${view} is ${width} px wide at 360`);
        assert.deepEqual(await unlabelled(page), [], `unlabelled controls in ${view}`);
      }
      // A refusal is shown in place, in the server's words.
      await go(page, 'Networks');
      await page.getByRole('button', { name: 'delete public' }).click();
      await confirmWith(page, 'delete');
      const refusal = page.getByRole('alert');
      await refusal.waitFor();
      const said = await s.request('DELETE', '/network/public', { headers: { Accept: 'text/plain' } });
      assert.ok(said.status >= 400, 'the server refuses to delete the shared network');
      assert.ok((await refusal.innerText()).includes(said.body.split('\n')[0] as string), `the alert says what the server says: ${said.body}`);
      await w.shot('mobile-networks');
      await go(page, 'Computes');
      await page.getByRole('button', { name: 'delete app1' }).click();
      await confirmWith(page, 'delete');
      await row(page, 'app1').waitFor({ state: 'detached' });
      await go(page, 'Networks');
      await page.getByRole('button', { name: 'delete backend' }).click();
      await confirmWith(page, 'delete');
      await backend.waitFor({ state: 'detached' });
      await clean(w);
    } finally {
      await w.context.close();
    }
  });
});
