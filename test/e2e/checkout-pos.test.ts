import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { DEMO_PRODUCTS, DEMO_STAFF, demoMembers } from '../../main/demo/demo-data.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { ROOT } from '../helpers/renderer-build.ts';
import { scanAndSee, startStack, type Stack } from '../helpers/stack.ts';

/**
 * The checkout as a till is used (issue 16): at 1024×768 and 1280×800 every primary action is on
 * screen without scrolling, a typical sale (member scan, three products, redeem, complete) takes a
 * handful of touches or keys, the figures on screen never contradict the backend, offline
 * redemption offers only what the allowance leaves, and the basket survives a reload and a backend
 * restart. Real Chromium, the real backend process and the real central server.
 */
const SHOTS = join(ROOT, 'test/artifacts/screenshots');
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
] as const;
const MEMBERS = demoMembers(50);
const rich = (n: number) => MEMBERS.filter((m) => m.points >= 1500)[n]!;
const cashier = DEMO_STAFF.find((s) => s.role === 'cashier')!;
const manager = DEMO_STAFF.find((s) => s.role === 'manager')!;
const barcode = (sku: string) => DEMO_PRODUCTS.find((p) => p.sku === sku)!.barcodes[0]!;
/** A typical basket: big enough that points can pay up to 1,350 of it. */
const TYPICAL = ['COFFEE-1KG', 'WINE', 'CHEESE'];

let stack: Stack;
let browser: Browser;
/** Every browser dialog (alert, confirm) any page opened: there must be none. */
const browserDialogs: string[] = [];

beforeAll(async () => {
  stack = await startStack({ members: 50, backendEnv: { LT_SYNC_REQUEST_TIMEOUT_MS: '1000' } });
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  expect(browserDialogs).toEqual([]);
  await browser?.close();
  await stack?.close();
});

/**
 * Signs in at the till (typing the staff ID and PIN, as a scanned staff card would). Not
 * stack.ts signedInPage: that one opens its own 1280×900 page, and these tests need the till's sizes.
 */
async function signIn(page: Page, staff: { id: string; pin: string }): Promise<void> {
  await page.locator('input[name="staffId"]').fill(staff.id);
  await page.locator('input[name="pin"]').fill(staff.pin);
  await page.locator('input[name="pin"]').press('Enter');
  await page.locator('.topbar').waitFor();
}

async function openTill(size: { width: number; height: number }, staff: { id: string; pin: string } = cashier): Promise<Page> {
  const page = await browser.newPage({ viewport: size });
  // A browser confirm box is a dead end on a till: none may ever open.
  page.on('dialog', (d) => {
    browserDialogs.push(d.message());
    void d.dismiss();
  });
  onTestFailed(async () => {
    if (!page.isClosed()) await page.screenshot({ path: join(SHOTS, `checkout-pos-failed-${Date.now()}.png`) }).catch(() => {});
  });
  await page.goto(stack.host.url);
  await signIn(page, staff);
  await page.locator('.sync-badge[data-sync-state="online"], .sync-badge[data-sync-state="syncing"]').waitFor({ timeout: 20_000 });
  return page;
}

/** The box is wholly inside the viewport (nothing to scroll to), and at least 48 px tall when it is a touch target. */
async function expectOnScreen(page: Page, locator: Locator, what: string, touchTarget = true): Promise<void> {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize()!;
  expect(box, `${what}: not rendered`).not.toBeNull();
  const b = box!;
  expect(
    b.x >= 0 && b.y >= 0 && b.x + b.width <= width + 0.5 && b.y + b.height <= height + 0.5,
    `${what} at ${JSON.stringify(b)} is outside the ${width}×${height} viewport`,
  ).toBe(true);
  if (touchTarget) expect(b.height, `${what}: touch target ${b.height} px tall`).toBeGreaterThanOrEqual(47.5);
}

/** The page itself never scrolls: whatever does not fit scrolls inside its own area. */
async function expectNoPageScroll(page: Page): Promise<void> {
  const { scroll, inner } = (await page.evaluate('({ scroll: document.scrollingElement.scrollHeight, inner: window.innerHeight })')) as {
    scroll: number;
    inner: number;
  };
  expect(scroll, 'the page scrolls').toBeLessThanOrEqual(inner);
}

/** Computed style properties of an element, read in the page (this file is typed without the DOM library). */
const styleOf = (el: unknown, properties: string[]): string =>
  properties
    .map(
      (p) =>
        (
          el as { ownerDocument: { defaultView: { getComputedStyle(x: unknown): Record<string, string> } } }
        ).ownerDocument.defaultView.getComputedStyle(el)[p],
    )
    .join();

const num = async (locator: Locator, attribute: string) => Number(await locator.getAttribute(attribute));
const memberPoints = (page: Page) => num(page.locator('.member-points'), 'data-points');
const serverBalance = async (memberId: string) =>
  Number((await stack.db.query<{ balance: string }>('SELECT balance FROM members WHERE id = $1', [memberId]))[0]!.balance);

/** Scans a member card: on the sale in progress (a receipt on screen shows its own member, which does not count). */
async function scanMember(page: Page, m: (typeof MEMBERS)[number]): Promise<void> {
  await scanAndSee(page, m.cardNumber, () =>
    page.locator('.checkout:not(:has(.receipt)) .member-name', { hasText: m.name }).waitFor({ timeout: 10_000 }),
  );
}

async function scanProducts(page: Page, skus: string[], already = 0): Promise<void> {
  for (const [i, sku] of skus.entries()) {
    await scanAndSee(page, barcode(sku), () =>
      page
        .locator('.basket tr[data-line]')
        .nth(already + i)
        .waitFor({ timeout: 10_000 }),
    );
  }
  // Priced by the backend: the bar shows the total.
  await page.locator('.checkout-bar [data-total]:not([data-total="0"])').waitFor();
}

/** Every primary action of the checkout, as the cashier finds it. */
function primaryActions(page: Page): Array<[string, Locator, boolean]> {
  return [
    ['Complete', page.locator('.complete'), true],
    ['New sale / clear sale', page.locator('.checkout-bar .new-sale'), true],
    ['To pay', page.locator('.checkout-bar [data-payable]'), false],
    ['Total', page.locator('.checkout-bar [data-total]'), false],
    ['Find member', page.locator('.topbar nav button').nth(1), true],
    ['Quick amounts', page.locator('.quick-amount').first(), true],
    ['Last quick amount', page.locator('.quick-amount').last(), true],
    ['Other amount (pad)', page.locator('.redeem-exact'), true],
    ['Rewards', page.locator('.rewards button').last(), true],
    ['Keyed amount', page.locator('.keyed-amount input'), true],
    ['Keyed amount pad', page.locator('.keyed-pad'), true],
    ['Add keyed amount', page.locator('.keyed-amount button[type="submit"]'), true],
    ['Camera', page.locator('.toolbar button').first(), true],
    ['Member history', page.locator('.member-panel-actions button').first(), true],
    ['Remove member', page.locator('.member-panel-actions button').last(), true],
  ];
}

describe('a checkout that fits, by touch and by keyboard', () => {
  it('in German (longer words) at 1024x768 every primary action is on screen too', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    await page.addInitScript('localStorage.setItem("loyalty-terminal.language", "de")');
    await page.goto(stack.host.url);
    await signIn(page, cashier);
    await scanMember(page, rich(7));
    await scanProducts(page, TYPICAL);
    await page.locator('.quick-amount').nth(1).click();
    await page.locator('.redemption [data-redeemed]').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    for (const [what, locator, target] of primaryActions(page)) await expectOnScreen(page, locator, what, target);
    await expectNoPageScroll(page);
    await page.screenshot({ path: join(SHOTS, 'checkout-pos-de-1024x768.png') });
    await page.close();
  }, 90_000);

  for (const size of SIZES) {
    const tag = `${size.width}x${size.height}`;
    it(`${tag}: a typical sale by touch and one by keyboard; every primary action on screen`, async () => {
      const page = await openTill(size);
      const member = rich(SIZES.indexOf(size));
      let touches = 0;
      let keys = 0;
      const touch = async (locator: Locator, what: string) => {
        await expectOnScreen(page, locator, what);
        await locator.click();
        touches++;
      };
      const key = async (k: string) => {
        await page.keyboard.press(k);
        keys++;
      };

      // By touch: scan the member and three products; tap a quick amount; tap Complete.
      await scanMember(page, member);
      const before = await memberPoints(page);
      expect(before).toBe(member.points);
      await scanProducts(page, TYPICAL);
      for (const [what, locator, target] of primaryActions(page)) await expectOnScreen(page, locator, what, target);
      await expectNoPageScroll(page);
      await touch(page.locator('.quick-amount').nth(1), 'a quick amount');
      await page.locator('.redemption [data-redeemed]').waitFor();
      const redeemed = await num(page.locator('.redemption [data-redeemed]'), 'data-redeemed');
      const balanceAfter = await num(page.locator('.bar-balance-after'), 'data-balance-after');
      const earned = Number((await page.locator('.earn-total').textContent())!.replace(/\D/g, ''));
      expect(balanceAfter).toBe(before + earned - redeemed);
      await page.screenshot({ path: join(SHOTS, `checkout-pos-${tag}.png`) });
      await touch(page.locator('.complete'), 'Complete');
      await page.locator('.receipt').waitFor();
      expect(touches).toBeLessThanOrEqual(5);
      const touchSale = touches;
      // The figures on the receipt, the bar and the member panel agree with what was promised.
      expect(await num(page.locator('.receipt-balance'), 'data-balance')).toBe(balanceAfter);
      expect(await memberPoints(page)).toBe(balanceAfter);
      await expectOnScreen(page, page.locator('.void-last'), 'Void last sale');
      await expectOnScreen(page, page.getByTestId('new-sale'), 'New sale');
      await page.screenshot({ path: join(SHOTS, `checkout-pos-receipt-${tag}.png`) });

      // By keyboard: the next customer. A scan over the receipt starts their sale; F6 uses the first quick amount; Enter completes.
      await scanMember(page, member);
      await scanProducts(page, TYPICAL);
      expect(await page.locator('.receipt').count()).toBe(0);
      await key('F6');
      await page.locator('.redemption [data-redeemed]').waitFor();
      const quick = await num(page.locator('.redemption [data-redeemed]'), 'data-redeemed');
      const expected = await num(page.locator('.bar-balance-after'), 'data-balance-after');
      await key('Enter');
      await page.locator('.receipt').waitFor();
      expect(Number((await page.locator('.receipt-redeemed').textContent())!.replace(/\D/g, ''))).toBe(quick);
      expect(await num(page.locator('.receipt-balance'), 'data-balance')).toBe(expected);
      expect(keys).toBeLessThanOrEqual(12);
      console.log(`[checkout-pos] ${tag}: typical sale by touch ${touchSale} touches, by keyboard ${keys} keys (scans not counted)`);

      // A long basket scrolls inside its own area; Complete and the figures stay on screen.
      await page.getByTestId('new-sale').click();
      const amount = page.getByLabel('Amount', { exact: true });
      for (let i = 0; i < 14; i++) {
        await amount.fill(String(i + 1));
        await amount.press('Enter');
      }
      await page.locator('.basket tr[data-line]').nth(13).waitFor();
      await page.locator('.checkout-bar [data-total="10500"]').waitFor();
      const area = (await page.locator('.basket-area').evaluate((el) => {
        const box = el as unknown as { scrollHeight: number; clientHeight: number };
        return { scroll: box.scrollHeight, client: box.clientHeight };
      })) as {
        scroll: number;
        client: number;
      };
      expect(area.scroll).toBeGreaterThan(area.client);
      await expectNoPageScroll(page);
      await expectOnScreen(page, page.locator('.complete'), 'Complete with a long basket');
      await expectOnScreen(page, page.locator('.checkout-bar [data-payable]'), 'To pay with a long basket', false);
      await page.screenshot({ path: join(SHOTS, `checkout-pos-long-basket-${tag}.png`) });
      await page.close();
    }, 90_000);
  }
});

const digits = async (locator: Locator) => Number(((await locator.textContent()) ?? '').replace(/\D/g, ''));

describe('the numeric pad', () => {
  it('sets a line’s quantity and keys an amount by touch, with the store’s decimal separator', async () => {
    const page = await openTill({ width: 1024, height: 768 });
    await scanProducts(page, ['WINE']);
    // Quantity: tap "× 1", tap 3, tap Confirm.
    await page.locator('.basket-qty-button').first().click();
    const pad = page.locator('.pad-dialog');
    await pad.waitFor();
    await pad.locator('.numeric-pad-key', { hasText: /^3$/ }).click();
    await expectOnScreen(page, pad.locator('.numeric-pad-enter'), 'the pad’s Confirm');
    await pad.locator('.numeric-pad-enter').click();
    await page.locator('.checkout-bar [data-total="2697"]').waitFor();
    expect(await page.locator('.basket-qty-button').first().textContent()).toBe('× 3');

    // An amount: "Pad", then 1 2 , 5 and Add: 12,50 € in bakery.
    await page.locator('.keyed-pad').click();
    await pad.waitFor();
    for (const key of ['1', '2', ',', '5']) await pad.locator('.numeric-pad-key', { hasText: new RegExp(`^${key}$`) }).click();
    expect(await pad.locator('.numeric-pad-display').textContent()).toBe('12,5');
    await page.screenshot({ path: join(SHOTS, 'checkout-pos-amount-pad-1024x768.png') });
    await pad.locator('.numeric-pad-enter').click();
    await page.locator('.checkout-bar [data-total="3947"]').waitFor();
    expect(await page.locator('.basket tr[data-line]').count()).toBe(2);
    await page.close();
  }, 60_000);
});

describe('one source of truth on screen', () => {
  it('void: in-app confirmation, the balance from the backend, and a fresh sale with no member (the next sale earns for nobody)', async () => {
    const page = await openTill({ width: 1280, height: 800 });
    const m = rich(2);
    await scanMember(page, m);
    const before = await memberPoints(page);
    await scanProducts(page, ['WINE']);
    await page.keyboard.press('Enter');
    await page.locator('.receipt').waitFor();
    expect(await num(page.locator('.receipt-balance'), 'data-balance')).toBeGreaterThan(before);

    await page.keyboard.press('F5');
    const confirm = page.locator('.checkout-dialog-danger');
    await confirm.waitFor();
    await expectOnScreen(page, confirm.getByRole('button', { name: 'Void the sale' }), 'Void confirmation');
    // Destructive actions look different: a red outline, not a plain button like "Scan with camera".
    const look = (l: Locator) => l.evaluate(styleOf, ['borderColor', 'color']);
    expect(await look(page.locator('.void-last'))).not.toBe(await look(page.getByRole('button', { name: 'Scan with camera' })));
    await page.screenshot({ path: join(SHOTS, 'checkout-pos-void-confirm.png') });
    await confirm.getByRole('button', { name: 'Void the sale' }).click();
    const notice = page.locator('.notice-good', { hasText: 'voided' });
    await notice.waitFor();
    // The balance said is the backend's answer: the points of the voided sale are gone again.
    expect(await digits(notice)).toBe(before);
    expect(await page.locator('.member-panel').count()).toBe(0);
    expect(await page.locator('.receipt').count()).toBe(0);

    // The next scan earns for nobody: no member on the sale, nothing to earn, no balance on the receipt.
    await scanProducts(page, ['COFFEE-CUP']);
    expect((await page.locator('.earn-total').textContent())?.trim()).toBe('–');
    await page.getByText('Scan a member card to earn points.').waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.receipt').waitFor();
    expect(await page.locator('.receipt-balance').count()).toBe(0);
    await expect.poll(() => serverBalance(m.id), { timeout: 20_000 }).toBe(before);
    await page.close();
  }, 90_000);

  it('an invalid redemption clears the discount and holds Complete, with the reason beside the points', async () => {
    const page = await openTill({ width: 1024, height: 768 });
    await scanMember(page, rich(3));
    await scanProducts(page, TYPICAL);
    const total = await num(page.locator('.checkout-bar [data-total]'), 'data-total');
    await page.locator('.quick-amount').nth(1).click();
    await page.locator('.checkout-bar [data-discount]:not([data-discount="0"])').waitFor();

    // 120 points on the pad, typed on the keyboard: not in steps of 50.
    await page.keyboard.press('F3');
    const pad = page.locator('.pad-dialog');
    await pad.waitFor();
    await page.keyboard.type('120', { delay: 150 }); // as a person types (a burst would be held as a possible scan)
    await expect.poll(() => pad.locator('.numeric-pad-display').textContent()).toBe('120');
    await page.keyboard.press('Enter');
    const problem = page.locator('.redeem-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('120 points cannot be used: points are used in steps of 50.');
    await page.locator('.checkout-bar [data-discount="0"]').waitFor();
    expect(await num(page.locator('.checkout-bar [data-payable]'), 'data-payable')).toBe(total);
    expect(await page.locator('.redemption [data-redeemed]').count()).toBe(0);
    expect(await page.locator('.complete').isDisabled()).toBe(true);
    expect(await page.locator('.bar-reason').textContent()).toContain('cannot be used');
    await expectOnScreen(page, problem, 'the reason beside the points', false);
    await page.screenshot({ path: join(SHOTS, 'checkout-pos-invalid-redemption-1024x768.png') });

    // Enter does not complete either; taking the points off lets the sale go on at the full price.
    await page.keyboard.press('Enter');
    expect(await page.locator('.receipt').count()).toBe(0);
    await problem.getByRole('button', { name: 'Don’t use points' }).click();
    await page.locator('.complete:not([disabled])').waitFor();
    expect(await num(page.locator('.checkout-bar [data-payable]'), 'data-payable')).toBe(total);
    await page.close();
  }, 90_000);

  it('refund from the history: back at the sale, the member and "balance after" are the backend’s new figures', async () => {
    const page = await openTill({ width: 1280, height: 800 }, manager);
    const m = rich(4);
    await scanMember(page, m);
    await scanProducts(page, ['WINE', 'CHEESE']);
    await page.keyboard.press('Enter');
    await page.locator('.receipt').waitFor();

    // The next sale of the same member is in progress when the manager refunds the wine of the last one.
    await scanMember(page, m);
    await scanProducts(page, ['COFFEE-CUP']);
    const before = await memberPoints(page);
    await page.locator('.member-panel').getByRole('button', { name: 'History' }).click();
    const sale = page.locator('.history-sale[data-status="completed"]', { hasText: 'Red wine' }).first();
    await sale.getByRole('button', { name: 'Refund…' }).click();
    await page.getByLabel('Refund quantity for Red wine 0.75 l').fill('1');
    await page.getByRole('button', { name: 'Refund selected lines' }).click();
    await page.getByText(/Refunded:/).waitFor();
    await page.getByRole('button', { name: 'Checkout' }).click();

    // The sale is still there, and its member's figures are the backend's, fetched again on return.
    await page.locator('.basket tr[data-line]').first().waitFor();
    await expect.poll(() => memberPoints(page)).toBeLessThan(before);
    const shown = await memberPoints(page);
    const earn = await digits(page.locator('.earn-total'));
    await expect.poll(() => num(page.locator('.bar-balance-after'), 'data-balance-after')).toBe(shown + earn);
    await expect.poll(() => serverBalance(m.id), { timeout: 20_000 }).toBe(shown);
    await page.screenshot({ path: join(SHOTS, 'checkout-pos-after-refund.png') });
    await page.close();
  }, 90_000);
});

describe('offline: the allowance up front, pending points in words, figures refreshed by the sync', () => {
  it('server stopped → only what the allowance leaves is offered, a manager allows more before Complete; back online → the member is refreshed', async () => {
    const page = await openTill({ width: 1024, height: 768 });
    const m = rich(5);
    await stack.stopServer();
    try {
      await offlineSale(page, m);
    } finally {
      await stack.restartServer();
    }
    await page.close();
  }, 150_000);
});

async function offlineSale(page: Page, m: (typeof MEMBERS)[number]): Promise<void> {
  {
    const badge = page.locator('.sync-badge[data-sync-state="offline"]');
    await badge.waitFor({ timeout: 20_000 });
    // A cashier's badge is a status drawn in full, not a greyed-out button.
    expect(
      [await badge.evaluate((el) => (el as unknown as { tagName: string }).tagName), await badge.evaluate(styleOf, ['opacity'])].join(),
    ).toBe('SPAN,1');

    await scanMember(page, m);
    await scanProducts(page, TYPICAL);
    const allowance = page.locator('.redeem-offline[data-offline-remaining="500"]');
    await allowance.waitFor();
    expect(await allowance.textContent()).toContain('500 points can be used today for this member without a manager');
    const quick = await page.locator('.quick-amount').allTextContents();
    const offered = quick.map((q) => Number(q.replace(/F\d+$/, '').replace(/\D/g, '')));
    expect(offered.length).toBeGreaterThan(0);
    expect(Math.max(...offered)).toBe(500);
    await page.screenshot({ path: join(SHOTS, 'checkout-pos-offline-allowance-1024x768.png') });

    // 1,000 points: the manager is asked at once, before Complete, in words.
    await page.keyboard.press('F3');
    await page.locator('.pad-dialog').waitFor();
    await page.keyboard.type('1000', { delay: 150 });
    await page.keyboard.press('Enter');
    const override = page.locator('.checkout-dialog.override');
    await override.waitFor();
    expect(await override.textContent()).toContain('Up to 500 points can be used without a manager today');
    await expectOnScreen(page, override.locator('.numeric-pad-enter'), 'the override’s Confirm');
    await page.screenshot({ path: join(SHOTS, 'checkout-pos-offline-override-1024x768.png') });
    await override.getByLabel('Manager ID').fill(manager.id);
    for (const d of manager.pin) await override.locator('.numeric-pad-key', { hasText: new RegExp(`^${d}$`) }).click();
    await override.locator('.numeric-pad-enter').click();
    await override.waitFor({ state: 'detached' });
    await page.locator('.redemption [data-redeemed="1000"]').waitFor();
    await page.locator('.complete:not([disabled])').click();
    await page.locator('.receipt').waitFor();
    expect(await digits(page.locator('.receipt-redeemed'))).toBe(1000);
    expect(await page.locator('body').textContent()).not.toMatch(/_daily_cap|override_refused/);

    // The next sale: the allowance is used up, nothing is offered without a manager; the pending points are in words.
    await scanMember(page, m);
    await scanProducts(page, ['COFFEE-CUP', 'WINE']);
    await page.locator('.redeem-offline[data-offline-remaining="0"]').waitFor();
    expect(await page.locator('.quick-amount').count()).toBe(0);
    const split = page.locator('.member-confirmation');
    const pending = await num(split, 'data-pending');
    expect(pending).toBeLessThan(0);
    expect(await split.textContent()).toMatch(/^[\d.,]+ confirmed, [\d.,]+ used here and waiting to sync$/);

    // Back online: without a new scan, the panel and "balance after" are refreshed from the backend.
    await stack.restartServer();
    await page.locator('.sync-badge[data-sync-state="online"][data-queue="0"]').waitFor({ timeout: 60_000 });
    await page.locator('.member-confirmation[data-pending="0"]').waitFor({ timeout: 20_000 });
    await page.locator('.redeem-offline').waitFor({ state: 'detached', timeout: 20_000 });
    const shown = await memberPoints(page);
    expect(shown).toBe(await serverBalance(m.id));
    const earn = await digits(page.locator('.earn-total'));
    await expect.poll(() => num(page.locator('.bar-balance-after'), 'data-balance-after')).toBe(shown + earn);
  }
}

describe('redeeming for a member found by search (not scanned)', () => {
  for (const [i, size] of SIZES.entries()) {
    it(`at ${size.width}x${size.height}: Complete asks for a manager's PIN first; a cashier's PIN is refused; the manager's completes the sale`, async () => {
      const page = await openTill(size);
      const m = rich(8 + i);
      const before = await serverBalance(m.id);
      await page.getByRole('button', { name: 'Find member', exact: true }).click();
      await page.getByLabel('Phone, name or card number').fill(m.name);
      await page.locator('.find-results .find-row', { hasText: m.name }).first().click();
      await page.locator('.checkout:not(:has(.receipt)) .member-name', { hasText: m.name }).waitFor({ timeout: 10_000 });
      await scanProducts(page, TYPICAL);
      await page.keyboard.press('F6');
      const needs = page.locator('.redeem-needs-presence');
      await needs.waitFor();
      expect(await page.locator('.redemption [data-redeemed]').count()).toBe(0); // chosen, not yet being used
      expect(await needs.textContent()).toContain(
        'Found by search: points only once their card or QR code is scanned, or with a manager’s PIN',
      );
      await expectOnScreen(page, needs.getByRole('button', { name: 'Ask a manager' }), 'Ask a manager');
      await expectOnScreen(page, page.locator('.complete'), 'Complete');
      await page.screenshot({ path: join(SHOTS, `checkout-pos-presence-needed-${size.width}x${size.height}.png`) });

      // Complete: the manager is asked first, in words, with the reason.
      await page.locator('.complete:not([disabled])').click();
      const override = page.locator('.checkout-dialog.override');
      await override.waitFor();
      expect(await override.textContent()).toContain(`${m.name} was found by search, not scanned`);
      await expectOnScreen(page, override.locator('.numeric-pad-enter'), 'the override’s Confirm');
      await page.screenshot({ path: join(SHOTS, `checkout-pos-presence-override-${size.width}x${size.height}.png`) });

      // A cashier's own PIN is no override: refused at Complete, in words, nothing spent.
      await override.getByLabel('Manager ID').fill(cashier.id);
      for (const d of cashier.pin) await override.locator('.numeric-pad-key', { hasText: new RegExp(`^${d}$`) }).click();
      await override.locator('.numeric-pad-enter').click();
      await override.waitFor({ state: 'detached' });
      await page.locator('.redemption .redeem-presence-given').waitFor();
      await page.locator('.complete:not([disabled])').click();
      await page.locator('.checkout-bar', { hasText: 'The manager ID or PIN was not accepted' }).waitFor();
      expect(await page.locator('.receipt').count()).toBe(0);

      // The manager's PIN: the sale completes with the points, and the server has it.
      await page.locator('.complete:not([disabled])').click();
      await override.waitFor();
      await override.getByLabel('Manager ID').fill(manager.id);
      for (const d of manager.pin) await override.locator('.numeric-pad-key', { hasText: new RegExp(`^${d}$`) }).click();
      await override.locator('.numeric-pad-enter').click();
      await override.waitFor({ state: 'detached' });
      await page.locator('.redemption [data-redeemed]').waitFor();
      const redeemed = await num(page.locator('.redemption [data-redeemed]'), 'data-redeemed');
      expect(redeemed).toBeGreaterThan(0);
      await page.locator('.complete:not([disabled])').click();
      await page.locator('.receipt').waitFor();
      expect(await digits(page.locator('.receipt-redeemed'))).toBe(redeemed);
      const earned = await digits(page.locator('.receipt .receipt-earned'));
      await expect.poll(() => serverBalance(m.id), { timeout: 30_000 }).toBe(before - redeemed + earned);
      expect(await page.locator('body').textContent()).not.toMatch(/presence_required|override_refused/);
      await page.close();
    }, 120_000);
  }
});

describe('redeeming for a member found by search, in German', () => {
  it('at 1024x768 the notice, its buttons and the manager prompt are in German and on screen', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    await page.addInitScript('localStorage.setItem("loyalty-terminal.language", "de")');
    await page.goto(stack.host.url);
    await signIn(page, cashier);
    const m = rich(10);
    await page.keyboard.press('F2');
    await page.locator('input.find-input').fill(m.name);
    await page.locator('.find-results .find-row', { hasText: m.name }).first().click();
    await page.locator('.checkout:not(:has(.receipt)) .member-name', { hasText: m.name }).waitFor({ timeout: 10_000 });
    await scanProducts(page, TYPICAL);
    await page.keyboard.press('F6');
    const needs = page.locator('.redeem-needs-presence');
    await needs.waitFor();
    expect(await needs.textContent()).toContain('Über die Suche gefunden');
    await expectOnScreen(page, needs.getByRole('button', { name: 'Marktleitung fragen' }), 'Marktleitung fragen');
    for (const [what, locator, target] of primaryActions(page)) await expectOnScreen(page, locator, what, target);
    await expectNoPageScroll(page);
    await page.screenshot({ path: join(SHOTS, 'checkout-pos-presence-needed-de-1024x768.png') });
    await needs.getByRole('button', { name: 'Marktleitung fragen' }).click();
    const override = page.locator('.checkout-dialog.override');
    await override.waitFor();
    expect(await override.textContent()).toContain(`${m.name} wurde über die Suche gefunden, nicht gescannt`);
    await expectOnScreen(page, override.locator('.numeric-pad-enter'), 'Bestätigen');
    await page.screenshot({ path: join(SHOTS, 'checkout-pos-presence-override-de-1024x768.png') });
    await page.close();
  }, 90_000);
});

describe('no dead ends', () => {
  it('the basket survives a reload and a backend restart; clearing asks in the app first', async () => {
    const page = await openTill({ width: 1280, height: 800 });
    const m = rich(6);
    await scanMember(page, m);
    await scanProducts(page, ['WINE', 'CHEESE']);
    await page.keyboard.press('F6');
    await page.locator('.redemption [data-redeemed]').waitFor();
    const snapshot = async () => ({
      member: await page.locator('.member-name').textContent(),
      lines: await page.locator('.basket .basket-name').allTextContents(),
      redeemed: await page.locator('.redemption [data-redeemed]').getAttribute('data-redeemed'),
      payable: await page.locator('.checkout-bar [data-payable]').getAttribute('data-payable'),
    });
    const before = await snapshot();

    await page.reload();
    await signIn(page, cashier);
    await page.locator('.redemption [data-redeemed]').waitFor();
    expect(await snapshot()).toEqual(before);

    // The backend process dies: everyone signs in again, and the sale is still there.
    process.kill(stack.host.backend.pid!, 'SIGKILL');
    await page.getByText('The terminal restarted. Please sign in again.').waitFor({ timeout: 30_000 });
    await signIn(page, cashier);
    // The restart forgot which members were scanned: the points wait for the card (or a manager's PIN).
    await page.locator('.redeem-needs-presence').waitFor();
    await scanAndSee(page, m.cardNumber, () =>
      page.locator('.notice-good', { hasText: `Member found: ${m.name}` }).waitFor({ timeout: 10_000 }),
    );
    await page.locator('.redemption [data-redeemed]').waitFor();
    expect(await snapshot()).toEqual(before);
    await page.screenshot({ path: join(SHOTS, 'checkout-pos-restored.png') });

    // Clearing asks first, in the app; Cancel keeps everything.
    await page.keyboard.press('F1');
    const confirm = page.locator('.checkout-dialog-danger');
    await confirm.waitFor();
    await page.keyboard.press('Enter'); // Cancel has the focus: Enter alone never destroys
    await confirm.waitFor({ state: 'detached' });
    expect(await snapshot()).toEqual(before);
    await page.keyboard.press('Enter');
    await page.locator('.receipt').waitFor();
    expect(String(await num(page.locator('.checkout-bar [data-payable]'), 'data-payable'))).toBe(before.payable);
    await page.close();
  }, 120_000);
});
