/**
 * The sync screen after the central server checked this till's events: a manager's adjustment above the
 * programme's bound is held for approval at head office; one made while the till was offline by a
 * manager head office had meanwhile made a cashier is refused; a member row the server holds corrupted
 * is not taken over. The screen counts and lists them apart, each reason in words, with no code or id,
 * at 1024×768 and 1280×800 (screenshots in test/artifacts/screenshots/sync-held-refused-*).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_STAFF, demoMembers, type DemoMember } from '../../main/demo/demo-data.ts';
import { de } from '../../renderer/i18n/de.ts';
import { en } from '../../renderer/i18n/en.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { ROOT } from '../helpers/renderer-build.ts';
import { signedInPage, startStack, type Stack } from '../helpers/stack.ts';

const SHOTS = join(ROOT, 'test/artifacts/screenshots');
const manager = DEMO_STAFF.find((s) => s.role === 'manager')!;
const admin = DEMO_STAFF.find((s) => s.role === 'admin')!;
const [first, second, corrupted] = demoMembers(20).slice(2, 5) as [DemoMember, DemoMember, DemoMember];

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

async function openMember(page: Page, name: string): Promise<void> {
  await page.locator('.topbar').getByRole('button', { name: en['nav.find'], exact: true }).click();
  await page.getByLabel('Phone, name or card number').fill(name.split(' ')[1]!);
  await page.locator('.find-row', { hasText: name }).first().click();
  await page.getByRole('button', { name: en['member.open'], exact: true }).click();
  await page.locator('.member-screen .member-name', { hasText: name }).waitFor();
}

/** A figure of the sync details, by its label. */
function figure(page: Page, label: string) {
  return page.locator('.sync-figures > div', { has: page.locator('dt', { hasText: label }) }).locator('dd');
}

async function adjust(page: Page, name: string, points: number, reason: string): Promise<void> {
  await openMember(page, name);
  await page.getByRole('button', { name: en['adjust.title'], exact: true }).click();
  await page.getByLabel(en['adjust.points']).fill(String(points));
  await page.getByLabel(en['adjust.reason']).fill(reason);
  await page.getByRole('button', { name: en['adjust.submit'], exact: true }).click();
  await page.getByText('Adjusted. New balance', { exact: false }).waitFor();
}

it('held, refused and unreadable are counted and listed in words, and the screen fits both POS sizes', async () => {
  const { page: till } = await signedInPage(stack, manager.id, manager.pin, browser);
  await till.locator('.sync-badge[data-sync-state="online"]').waitFor({ timeout: 20_000 });
  // Above the programme's bound for one adjustment (5,000 points by default): held for a person at head office.
  await adjust(till, first.name, 6000, 'Goodwill for a lost delivery');
  await till.locator('.sync-badge').click();
  await expect.poll(() => figure(till, en['sync.held']).textContent(), { timeout: 30_000 }).toBe('1');

  // While the till is offline, head office makes the manager a cashier; the till does not know yet.
  await stack.stopServer();
  await stack.db.query("UPDATE staff SET role = 'cashier' WHERE id = $1", [manager.id]);
  await adjust(till, second.name, 50, 'Coffee machine broken');
  await till.close();
  // And a member row is corrupted in the server's database (past its own checks, as a hand edit would).
  await stack.db.exec('ALTER TABLE members DROP CONSTRAINT IF EXISTS members_balance_bounded');
  await stack.db.query('UPDATE members SET balance = 9007199254740993 WHERE id = $1', [corrupted.id]);
  await stack.restartServer();

  const { page } = await signedInPage(stack, admin.id, admin.pin, browser);
  await page.locator('.sync-badge').click();
  await page.getByRole('button', { name: en['sync.now'], exact: true }).click();
  await expect.poll(() => figure(page, en['sync.held']).textContent(), { timeout: 30_000 }).toBe('1');
  await expect.poll(() => figure(page, en['sync.refused']).textContent(), { timeout: 30_000 }).toBe('1');
  await expect
    .poll(() => page.locator('.sync-unreadable li').allTextContents(), { timeout: 30_000 })
    .toEqual([`⚠ ${en['sync.unreadableMembers.one']}`]);
  expect(await figure(page, en['sync.queueLength']).textContent()).toBe('0'); // nothing stuck in the queue

  await page.getByRole('button', { name: en['sync.showFlags'], exact: true }).click();
  const held = page.locator('section.sync-list-held');
  const refused = page.locator('section.sync-list-refused');
  await held.getByRole('heading', { name: en['sync.heldTitle'] }).waitFor();
  expect(await held.locator('tbody tr').count()).toBe(1);
  expect(await held.locator('tbody tr td').nth(1).textContent()).toBe('Points adjustment (6.000 points)');
  expect(await held.locator('tbody tr td').nth(3).textContent()).toBe(en['flag.over_limit']);
  expect(await held.getByText(en['sync.heldHint']).count()).toBe(1);
  expect(await refused.locator('tbody tr').count()).toBe(1);
  expect(await refused.locator('tbody tr td').nth(1).textContent()).toBe('Points adjustment (50 points)');
  expect(await refused.locator('tbody tr td').nth(3).textContent()).toBe(en['flag.staff_not_allowed']);

  // No code, no id, no name of a member on screen.
  const text = (await page.locator('main').textContent()) ?? '';
  for (const code of ['over_limit', 'staff_not_allowed', 'points.adjusted', 'applied_with_adjustment']) expect(text).not.toContain(code);
  expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  for (const m of [first, second, corrupted]) expect(text).not.toContain(m.name);

  for (const viewport of [
    { width: 1024, height: 768 },
    { width: 1280, height: 800 },
  ]) {
    await page.setViewportSize(viewport);
    const heading = await page.locator('main h1').first().boundingBox();
    expect(heading !== null && heading.y >= 0 && heading.y + heading.height <= viewport.height).toBe(true);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
    await page.screenshot({ path: join(SHOTS, `sync-held-refused-${viewport.width}x${viewport.height}.png`), fullPage: true });
  }

  // The same in German, from the catalogue (the language is chosen under Settings).
  await page.locator('.topbar').getByRole('button', { name: en['nav.settings'], exact: true }).click();
  await page.getByLabel(en['app.language'], { exact: true }).selectOption('de');
  await page.locator('.sync-badge').click();
  await page.getByRole('button', { name: de['sync.showFlags'], exact: true }).click();
  await held.getByRole('heading', { name: de['sync.heldTitle'] }).waitFor();
  expect(await held.locator('tbody tr td').nth(1).textContent()).toBe('Punktekorrektur (6.000 Punkte)');
  expect(await held.locator('tbody tr td').nth(3).textContent()).toBe(de['flag.over_limit']);
  expect(await refused.locator('tbody tr td').nth(3).textContent()).toBe(de['flag.staff_not_allowed']);
  expect(await page.locator('.sync-unreadable li').allTextContents()).toEqual([`⚠ ${de['sync.unreadableMembers.one']}`]);
  await page.setViewportSize({ width: 1024, height: 768 });
  expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
  await page.screenshot({ path: join(SHOTS, 'sync-held-refused-de-1024x768.png'), fullPage: true });
  await page.close();
}, 150_000);
