/**
 * Find member with least data on every till, in real Chromium against the real server: a member of
 * another store (held on this till without personal data) is not found by the till's own search but
 * is by the loyalty server's, in its own labelled group, phone masked; picked, it is shown by its
 * card's last digits, and its member screen shows the server's full history. With the server gone,
 * the till's results stand, a line says what an offline search cannot find, and the history is the
 * till's own, saying so. Screenshots at both POS sizes go to $LT_SCREENSHOTS (default a temp dir),
 * never into the repository.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF, demoMembers } from '../../main/demo/demo-data.ts';
import { en } from '../../renderer/i18n/en.ts';
import { importMembers } from '../../server/admin/import-members.ts';
import { createStore } from '../../server/admin/stores.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { startStack, type Stack } from '../helpers/stack.ts';

const SHOTS = process.env.LT_SCREENSHOTS ?? join(tmpdir(), 'lt-find-member-online');
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
] as const;
const cashier = DEMO_STAFF.find((s) => s.role === 'cashier')!;
const home = demoMembers(12)[4]!;
const surname = home.name.split(' ')[1]!;
const visitor = {
  id: '00000000-0000-4000-8000-00000000a001',
  name: `Bastien ${surname}`,
  phone: '+49 170 5550142',
  cardNumber: '2900099990427',
  enrolledStore: 'lyon-1',
  points: 250,
};

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ members: 12 });
  await createStore(stack.db, { id: 'lyon-1', name: 'Lyon Part-Dieu', timeZone: 'Europe/Paris', currency: 'EUR' }, Date.now());
  await importMembers(stack.db, [visitor], Date.now());
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signIn(page: Page) {
  await page.goto(stack.host.url);
  await page.locator('.staff-button', { hasText: cashier.name }).click();
  await page.keyboard.type(cashier.pin, { delay: 90 });
  await page.keyboard.press('Enter');
  await page.locator('.topbar').waitFor();
}

const nav = (page: Page, name: string) => page.locator('.topbar').getByRole('button', { name, exact: true }).click();

async function search(page: Page, text: string) {
  await nav(page, en['nav.find']);
  await page.getByLabel(en['find.query']).fill(text);
}

/** No primary control below the window, and nothing wider than it. */
async function fits(page: Page, selector: string): Promise<{ onScreen: boolean; overflowX: number }> {
  const view = page.viewportSize()!;
  const box = await page.locator(selector).first().boundingBox();
  const overflowX = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  return { onScreen: box !== null && box.y >= 0 && box.y + box.height <= view.height, overflowX };
}

describe.sequential('find member: this till and the loyalty server', () => {
  it.each(SIZES)(
    'online: two labelled groups, the other store’s member masked, picked by card digits, full history (%o)',
    async (viewport) => {
      const page = await browser.newPage({ viewport });
      const size = `${viewport.width}x${viewport.height}`;
      try {
        await signIn(page);
        // The till's first pull brings the visitor (ids, cards, points) without personal data: wait for it.
        await expect
          .poll(
            async () => {
              await search(page, `x${Date.now() % 10}`);
              await search(page, `Bastien ${surname}`);
              await page.locator('.find-group-online .find-row').first().waitFor({ timeout: 5000 });
              return page.locator('.find-group-online .find-row').first().getAttribute('data-held');
            },
            { timeout: 30_000, interval: 500 },
          )
          .toBe('true');

        await search(page, surname);
        const local = page.locator('.find-group-local .find-row');
        const online = page.locator('.find-group-online .find-row');
        await expect.poll(() => local.locator('.find-row-name').allInnerTexts()).toContain(home.name);
        await expect.poll(() => online.count()).toBe(1);
        expect(await page.locator('.find-group-local h2').innerText()).toBe(en['find.groupLocal']);
        expect(await page.locator('.find-group-online h2').innerText()).toBe(en['find.groupOnline']);
        // The till's own member is listed once, in its group; the visitor is on the server's side, masked.
        expect(await online.locator('.find-row-name').innerText()).toContain(visitor.name);
        expect(await online.locator('.find-row-name').innerText()).toContain(en['find.onlineBadge']);
        expect(await online.locator('.find-row-phone').innerText()).toBe('••• ••• •42');
        expect(await online.locator('.find-row-store').innerText()).toBe('Enrolled at Lyon Part-Dieu');
        expect(await page.locator('.find-offline-note').count()).toBe(0);
        expect(await fits(page, '.find-input')).toEqual({ onScreen: true, overflowX: 0 });
        await page.screenshot({ path: join(SHOTS, `find-online-${size}.png`) });

        // Picked: on the sale by its card's last digits, never a raw id.
        await online.first().click();
        await page.locator('.member-panel .member-name').waitFor();
        expect(await page.locator('.member-panel .member-name').innerText()).toBe('Member ••0427');
        await page.getByRole('button', { name: en['member.open'], exact: true }).click();
        await page.locator('.full-history[data-source="server"]').waitFor();
        expect(await page.locator('.full-history .history-source').innerText()).toBe(`✓ ${en['history.fullTitle']}`);
        expect(await page.locator('.full-history tbody tr').first().innerText()).toContain(en['history.category.adjustment']);
        expect(await fits(page, '.member-actions button.primary')).toEqual({ onScreen: true, overflowX: 0 });
        await page.screenshot({ path: join(SHOTS, `member-online-${size}.png`) });
      } finally {
        await page.close();
      }
    },
    90_000,
  );

  it.each(SIZES)(
    'offline: the till’s results stand and a line says what it cannot find; the history is the till’s (%o)',
    async (viewport) => {
      await stack.stopServer();
      const page = await browser.newPage({ viewport });
      const size = `${viewport.width}x${viewport.height}`;
      try {
        await signIn(page);
        await search(page, surname);
        await expect.poll(() => page.locator('.find-group-local .find-row-name').allInnerTexts()).toContain(home.name);
        await page.locator('.find-offline-note').waitFor();
        expect(await page.locator('.find-offline-note').innerText()).toBe(en['find.offlineNote']);
        expect(await page.locator('.find-group-online').count()).toBe(0);
        expect(await fits(page, '.find-offline-note')).toEqual({ onScreen: true, overflowX: 0 });
        await page.screenshot({ path: join(SHOTS, `find-offline-${size}.png`) });

        await page.locator('.find-group-local .find-row', { hasText: home.name }).first().click();
        await page.getByRole('button', { name: en['member.open'], exact: true }).click();
        await page.locator('.full-history[data-source="till"]').waitFor();
        expect(await page.locator('.full-history .history-source').innerText()).toBe(en['history.tillTitle']);
        expect(await page.locator('.history-till-note').innerText()).toBe(en['history.till.offline']);
        await page.screenshot({ path: join(SHOTS, `member-offline-${size}.png`) });
      } finally {
        await page.close();
        await stack.restartServer();
      }
    },
    90_000,
  );
});
