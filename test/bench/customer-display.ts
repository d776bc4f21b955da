import type { Browser, Page } from 'playwright-core';
import { wedgeScan } from '../helpers/stack.ts';
import { size } from './scale.ts';
import { round, summarize } from './stats.ts';

/**
 * The customer display's lag (part of `npm run bench -- ui`): from a product
 * scan's first paint on the cashier's screen (the line appears at once, before
 * the backend has priced it) to the customer display (/customer, a second
 * page of the same browser) painting the backend's new state for that change,
 * on the machine's clock both pages share. CHANGES scans, one at a time,
 * cycling three products (new lines, then quantities). Target: p95 ≤ 100 ms.
 */
const CHANGES = size('BENCH_DISPLAY_CHANGES', 60, 10);
const BARCODES = ['5449000000996', '4000417025005', '4006381333931'];

const CASHIER_PROBE = `
  window.__basketAt = [];
  let basket = document.querySelector('.basket')?.textContent ?? null;
  new MutationObserver(() => {
    const now = document.querySelector('.basket')?.textContent ?? null;
    if (now === basket) return;
    basket = now;
    requestAnimationFrame(() => setTimeout(() => window.__basketAt.push(performance.timeOrigin + performance.now()), 0));
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
`;
const DISPLAY_PROBE = `
  window.__states = [];
  let seq = null;
  new MutationObserver(() => {
    const s = document.querySelector('.customer-display')?.getAttribute('data-seq');
    if (s === seq || s === null || s === undefined) return;
    seq = s;
    requestAnimationFrame(() => setTimeout(() => window.__states.push({ seq: Number(s), at: performance.timeOrigin + performance.now() }), 0));
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-seq'] });
`;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`customer display bench: ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** `cashier` is signed in on the checkout; `customerUrl` is the browser host's /customer address with its token. */
export async function benchCustomerDisplay(
  browser: Browser,
  cashier: Page,
  customerUrl: string,
  log: (line: string) => void,
): Promise<{ customer_display_lag_p50_ms: number; customer_display_lag_p95_ms: number }> {
  const display = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  await display.goto(customerUrl);
  await display.locator('.customer-display[data-seq]').waitFor({ timeout: 10_000 });
  await display.evaluate(DISPLAY_PROBE);
  await cashier.evaluate(CASHIER_PROBE);
  const lags: number[] = [];
  for (let n = 0; n < CHANGES; n++) {
    const [cashierBefore, displayBefore] = [
      (await cashier.evaluate('window.__basketAt.length')) as number,
      (await display.evaluate('window.__states.length')) as number,
    ];
    await wedgeScan(cashier, BARCODES[n % BARCODES.length]!);
    await until(
      () => cashier.evaluate('window.__basketAt.length') as Promise<number>,
      (l) => l > cashierBefore,
      'the cashier saw no change',
    );
    const cashierAt = (await cashier.evaluate(`window.__basketAt[${cashierBefore}]`)) as number;
    await until(
      () => display.evaluate('window.__states.length') as Promise<number>,
      (l) => l > displayBefore,
      'the display showed no new state',
    );
    // Let every paint of this change land before the next scan.
    await new Promise((r) => setTimeout(r, 30));
    const shown = (await display.evaluate(`window.__states[${displayBefore}]`)) as { at: number };
    lags.push(Math.max(0, shown.at - cashierAt));
  }
  await display.close();
  const s = summarize(lags);
  const figures = { customer_display_lag_p50_ms: round(s.p50, 1), customer_display_lag_p95_ms: round(s.p95, 1) };
  log(
    `  customer display behind the cashier  p50 ${figures.customer_display_lag_p50_ms} ms   p95 ${figures.customer_display_lag_p95_ms} ms   (${lags.length} product scans; target p95 ≤ 100 ms)`,
  );
  return figures;
}
