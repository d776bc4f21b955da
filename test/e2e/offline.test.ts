import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS, DEMO_STAFF, demoMembers } from '../../main/demo/demo-data.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { ROOT } from '../helpers/renderer-build.ts';
import { scanAndSee, signedInPage, startStack, type Stack } from '../helpers/stack.ts';

/** The central server goes away mid-shift: sales go on, the badge says so, and nothing is lost when it returns. */
const SHOTS = join(ROOT, 'test/artifacts/screenshots');
const cashier = DEMO_STAFF.find((s) => s.role === 'cashier')!;
const member = demoMembers(20)[1]!;
const coffee = DEMO_PRODUCTS.find((p) => p.sku === 'COFFEE-CUP')!.barcodes[0]!;

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  stack = await startStack({ members: 20, backendEnv: { LT_SYNC_REQUEST_TIMEOUT_MS: '1000' } });
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const badge = (page: Page) => page.locator('.sync-badge');
const queue = async (page: Page) => Number(await badge(page).getAttribute('data-queue'));

async function sale(page: Page): Promise<number> {
  await scanAndSee(page, member.cardNumber, () => page.locator('.member-name', { hasText: member.name }).waitFor({ timeout: 10_000 }));
  await scanAndSee(page, coffee, () => page.locator('.basket tr[data-line]').first().waitFor({ timeout: 10_000 }));
  await page.locator('.complete:not([disabled])').click();
  await page.locator('.receipt').waitFor();
  const balance = Number(await page.locator('.receipt-balance').getAttribute('data-balance'));
  await page.getByRole('button', { name: 'New sale' }).click();
  return balance;
}

describe('offline and back', () => {
  it('server stopped → sales go on, badge offline, queue grows → server back → queue drains, balances agree', async () => {
    const { page } = await signedInPage(stack, cashier.id, cashier.pin, browser);
    await page.locator('.sync-badge[data-sync-state="online"]').waitFor({ timeout: 20_000 });

    await stack.stopServer();
    let balance = 0;
    for (let i = 0; i < 3; i++) balance = await sale(page);
    await page.locator('.sync-badge[data-sync-state="offline"]').waitFor({ timeout: 20_000 });
    expect(await queue(page)).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(SHOTS, 'offline-badge.png') });

    await stack.restartServer();
    await page.locator('.sync-badge[data-sync-state="online"][data-queue="0"]').waitFor({ timeout: 60_000 });
    const server = Number(
      (await stack.db.query<{ balance: string }>('SELECT balance FROM members WHERE id = $1', [member.id]))[0]!.balance,
    );
    expect(server).toBe(balance);
    await page.screenshot({ path: join(SHOTS, 'offline-drained.png') });
  }, 120_000);
});
