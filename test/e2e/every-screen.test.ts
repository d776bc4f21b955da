/**
 * Every screen at the two common POS sizes, signed in as an admin (who sees every screen): the
 * screen's heading (the checkout's Complete; the member's name on the member screen) on screen without scrolling,
 * nothing wider than the window, and a screenshot of each kept as a test artifact
 * (test/artifacts/screenshots/screen-*).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF, demoMembers } from '../../main/demo/demo-data.ts';
import { en } from '../../renderer/i18n/en.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { ROOT } from '../helpers/renderer-build.ts';
import { startStack, type Stack } from '../helpers/stack.ts';

const SHOTS = join(ROOT, 'test/artifacts/screenshots');
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
] as const;
const admin = DEMO_STAFF.find((s) => s.role === 'admin')!;
const member = demoMembers(20)[4]!;

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ members: 20 });
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** `landmark` is inside the window and the page is no wider than it. */
async function fits(page: Page, landmark: Locator): Promise<{ headingOnScreen: boolean; overflowX: number }> {
  const view = page.viewportSize()!;
  const box = await landmark.boundingBox();
  const overflowX = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  return { headingOnScreen: box !== null && box.y >= 0 && box.y + box.height <= view.height, overflowX };
}

describe.each(SIZES)('every screen at %o', (viewport) => {
  it('checkout, find member, member, enrol, day report, sync and settings fit and are kept as screenshots', async () => {
    const page = await browser.newPage({ viewport });
    const size = `${viewport.width}x${viewport.height}`;
    const seen: Record<string, { headingOnScreen: boolean; overflowX: number }> = {};
    const shoot = async (name: string, landmark = page.locator('main h1').first()) => {
      await landmark.waitFor();
      seen[name] = await fits(page, landmark);
      await page.screenshot({ path: join(SHOTS, `screen-${name}-${size}.png`) });
    };
    const nav = (name: string) => page.locator('.topbar').getByRole('button', { name, exact: true }).click();
    try {
      await page.goto(stack.host.url);
      await page.locator('.staff-button', { hasText: admin.name }).click();
      await page.keyboard.type(admin.pin, { delay: 90 });
      await page.keyboard.press('Enter');
      await page.locator('.topbar').waitFor();

      await shoot('checkout', page.locator('button.complete'));
      await nav(en['nav.find']);
      await page.getByLabel('Phone, name or card number').fill(member.name.split(' ')[1]!);
      await page.locator('.find-row', { hasText: member.name }).first().waitFor();
      await shoot('find-member');
      await page.locator('.find-row', { hasText: member.name }).first().click();
      await page.getByRole('button', { name: en['member.open'], exact: true }).click();
      await shoot('member', page.locator('.member-screen .member-name', { hasText: member.name }));
      await nav(en['nav.enrol']);
      await shoot('enrol');
      await nav(en['nav.report']);
      await shoot('day-report');
      await page.locator('.sync-badge').click();
      await shoot('sync');
      await nav(en['nav.settings']);
      await shoot('settings');
    } finally {
      await page.close();
    }
    expect(Object.keys(seen)).toEqual(['checkout', 'find-member', 'member', 'enrol', 'day-report', 'sync', 'settings']);
    for (const [name, fit] of Object.entries(seen)) expect({ name, ...fit }).toEqual({ name, headingOnScreen: true, overflowX: 0 });
  }, 90_000);
});
