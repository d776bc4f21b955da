import type { Locator, Page } from 'playwright-core';
import { closeTerminalDb, openTerminalDb, writeTransaction } from '../../main/backend/store/connection.ts';
import { credit } from '../../main/backend/store/points.ts';
import { wedgeScan } from '../helpers/stack.ts';

/**
 * The typical sale of issue 16, measured in the bench's Chromium at 1024×768: a member scanned,
 * three products scanned, points redeemed, the sale completed; once by touch (taps counted) and
 * once by keyboard (keys counted). Scans are the scanner's, not the cashier's, and are not
 * counted. Before the first tap, every primary action of the checkout must be wholly inside the
 * viewport, at least 48 px tall where it is a touch target: `primary_actions_in_viewport`.
 */
export interface TypicalSaleFigures {
  typical_sale_touches: number;
  typical_sale_keys: number;
  primary_actions_in_viewport: boolean;
}

export const TYPICAL_SALE_VIEWPORT = { width: 1024, height: 768 } as const;

const SALE_POINTS = 2_000;
const YEAR = 365 * 86_400_000;

/**
 * The typical sale's customer needs points to redeem today: the cached bench database was made at
 * BENCH_NOW and its lots may have expired since. Tops the member's live points up to 2,000 through
 * the store's own writer (a ledger entry and its lot), once: a later run finds them there.
 */
export function givePointsForTypicalSale(dbPath: string, memberId: string): void {
  const store = openTerminalDb(dbPath, { integrityCheck: 'off' });
  try {
    const now = Date.now();
    writeTransaction(store, (db) => {
      const live = db
        .prepare('SELECT coalesce(sum(remaining), 0) FROM point_lots WHERE member_id = ? AND expires_at > ?')
        .pluck()
        .get(memberId, now + 30 * 86_400_000) as number;
      if (live < SALE_POINTS)
        credit(db, { memberId, kind: 'adjust', points: SALE_POINTS - live, reason: 'bench: points for the typical sale', now }, now + YEAR);
    });
  } finally {
    closeTerminalDb(store);
  }
}

async function scanSeen(page: Page, code: string, seen: Locator): Promise<number> {
  // As the bench's scan loop: a burst the loaded machine split is scanned again, and counted.
  for (let attempt = 1; ; attempt++) {
    await wedgeScan(page, code);
    try {
      await seen.waitFor({ timeout: 3_000 });
      return attempt - 1;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

async function inViewport(page: Page, locator: Locator, touchTarget: boolean): Promise<string | null> {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize()!;
  if (!box) return 'not rendered';
  if (box.x < 0 || box.y < 0 || box.x + box.width > width + 0.5 || box.y + box.height > height + 0.5)
    return `outside at ${Math.round(box.x)},${Math.round(box.y)} ${Math.round(box.width)}×${Math.round(box.height)}`;
  if (touchTarget && box.height < 47.5) return `${box.height} px tall`;
  return null;
}

export async function typicalSale(
  page: Page,
  options: { memberToken: () => string; memberId: string; barcodes: string[]; log: (line: string) => void },
): Promise<TypicalSaleFigures & { typical_sale_rescans: number }> {
  const viewportBefore = page.viewportSize();
  await page.setViewportSize(TYPICAL_SALE_VIEWPORT);
  let rescans = 0;
  const ringUp = async () => {
    rescans += await scanSeen(
      page,
      options.memberToken(),
      page.locator(`.checkout:not(:has(.receipt)) .member-panel[data-member-id="${options.memberId}"]`),
    );
    for (const [i, code] of options.barcodes.entries()) {
      rescans += await scanSeen(page, code, page.locator('.basket tr[data-line]').nth(i));
    }
    await page.locator('.quick-amount').first().waitFor();
  };

  // By touch.
  await ringUp();
  const actions: Array<[string, Locator, boolean]> = [
    ['Complete', page.locator('.complete'), true],
    ['New sale', page.locator('.checkout-bar .new-sale'), true],
    ['To pay', page.locator('.checkout-bar [data-payable]'), false],
    ['Find member', page.getByRole('button', { name: 'Find member' }).first(), true],
    ['Quick amount', page.locator('.quick-amount').last(), true],
    ['Other amount', page.locator('.redeem-exact'), true],
    ['Rewards', page.locator('.rewards button').last(), true],
    ['Keyed amount', page.locator('.keyed-amount input'), true],
    ['Keyed amount pad', page.locator('.keyed-pad'), true],
    ['Camera', page.locator('.toolbar button').first(), true],
  ];
  const outside: string[] = [];
  for (const [what, locator, target] of actions) {
    const why = await inViewport(page, locator, target);
    if (why) outside.push(`${what}: ${why}`);
  }
  if (outside.length > 0) options.log(`  primary actions not on screen at 1024×768: ${outside.join('; ')}`);
  let touches = 0;
  await page.locator('.quick-amount').first().click();
  touches++;
  await page.locator('.redemption [data-redeemed]').waitFor();
  await page.locator('.complete:not([disabled])').click();
  touches++;
  await page.locator('.receipt').waitFor();

  // By keyboard: the next customer (a scan over the receipt starts their sale).
  await ringUp();
  let keys = 0;
  await page.keyboard.press('F6');
  keys++;
  await page.locator('.redemption [data-redeemed]').waitFor();
  await page.keyboard.press('Enter');
  keys++;
  await page.locator('.receipt').waitFor();

  // The page as it was found for the benchmarks after this one: an empty sale, the same size.
  await page.keyboard.press('F1');
  await page.locator('.receipt').waitFor({ state: 'detached' });
  if (viewportBefore) await page.setViewportSize(viewportBefore);

  return {
    typical_sale_touches: touches,
    typical_sale_keys: keys,
    primary_actions_in_viewport: outside.length === 0,
    typical_sale_rescans: rescans,
  };
}
