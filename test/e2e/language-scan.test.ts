import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS, DEMO_STAFF, DEMO_STORE, demoMembers, demoProgram } from '../../main/demo/demo-data.ts';
import { de } from '../../renderer/i18n/de.ts';
import { en, type MessageKey } from '../../renderer/i18n/en.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { ROOT } from '../helpers/renderer-build.ts';
import { scanAndSee, startStack, type Stack } from '../helpers/stack.ts';

/**
 * A German store in German: every visible text of the checkout (member, basket, points, earn
 * explanation), enrol, day report, find member and member history screens is read from the page
 * and checked against the English catalogue and the programme's and store's raw ids. A text that
 * holds an English catalogue string that German says differently, or an id such as "bakery",
 * "demo-store" or a snake_case code, fails the test and is named. Screenshots of each screen at
 * 1024×768 and 1280×800 are kept in test/artifacts/screenshots/lang-de-*.png.
 */
const SHOTS = join(ROOT, 'test/artifacts/screenshots');
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
] as const;
const manager = DEMO_STAFF.find((s) => s.role === 'manager')!;
const member = demoMembers(50).find((m) => m.points >= 500) ?? demoMembers(50)[0]!;
const barcode = (sku: string) => DEMO_PRODUCTS.find((p) => p.sku === sku)!.barcodes[0]!;

/** Words the same in both languages or names: never counted as English. */
const ALLOWED = new Set(['Loyalty Terminal', 'PIN', 'CSV', 'QR', 'Online', 'Offline', 'OK', 'E-Mail', 'Email']);

/**
 * The English catalogue's words that German says differently: each message cut at its
 * placeholders, the pieces of at least two words or one word of 5+ letters, left out when the same
 * piece is also German (it appears in some German message).
 */
function englishPieces(): { key: MessageKey; piece: string; pattern: RegExp }[] {
  const allGerman = Object.values(de).join('\n');
  const pieces: { key: MessageKey; piece: string; pattern: RegExp }[] = [];
  for (const key of Object.keys(en) as MessageKey[]) {
    if (en[key] === de[key]) continue;
    for (const raw of en[key].split(/\{\w+\}/)) {
      const piece = raw.replace(/^[\s:;,.()–—✓✗⚠·-]+|[\s:;,.()–—✓✗⚠·-]+$/g, '');
      const words = piece.split(/\s+/).filter((w) => /[A-Za-z]/.test(w));
      if (words.length === 0 || (words.length === 1 && piece.length < 5)) continue;
      if (ALLOWED.has(piece) || allGerman.includes(piece)) continue;
      const escaped = piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      pieces.push({ key, piece, pattern: new RegExp(`(^|[^\\p{L}])${escaped}($|[^\\p{L}])`, 'u') });
    }
  }
  // The programme's English labels that have a German translation (rules, promotions, tiers, rewards, categories).
  const program = demoProgram();
  const labelled = [
    ...program.earn.rules,
    ...program.earn.promotions,
    ...program.tiers.levels,
    ...program.rewards,
    ...(program.categories ?? []),
  ];
  for (const item of labelled) {
    if (!item.labels?.de || item.labels.de === item.label) continue;
    const escaped = item.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pieces.push({
      key: 'programme label' as MessageKey,
      piece: item.label,
      pattern: new RegExp(`(^|[^\\p{L}])${escaped}($|[^\\p{L}])`, 'u'),
    });
  }
  return pieces;
}

/** Ids that must never reach a screen: the store's, the programme's, and any snake_case code. */
function rawIdPatterns(): { what: string; pattern: RegExp }[] {
  const program = demoProgram();
  const ids = new Set<string>([
    DEMO_STORE.id,
    ...program.tiers.levels.map((t) => t.id),
    ...program.rewards.map((r) => r.id),
    ...program.earn.promotions.map((p) => p.id),
    ...DEMO_PRODUCTS.map((p) => p.category),
  ]);
  return [
    // An id with a hyphen is an id wherever it stands; a plain-word id ("bakery") when it is all the text.
    ...[...ids].map((id) => ({
      what: `id "${id}"`,
      pattern: id.includes('-') ? new RegExp(`(^|[^\\p{L}-])${id}($|[^\\p{L}-])`, 'u') : new RegExp(`^${id}$`),
    })),
    { what: 'a snake_case code', pattern: /\b[a-z]+(?:_[a-z]+)+\b/ },
    { what: 'an UPPER_CASE code', pattern: /\b[A-Z]+(?:_[A-Z]+)+\b/ },
  ];
}

/**
 * Every visible text node of the page (and the placeholders and options of its fields). Run in the
 * page, so written as a string (the Node typecheck has no DOM).
 */
const VISIBLE_TEXTS = `(() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.textContent || '').replace(/\\s+/g, ' ').trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest('script, style, [hidden], [aria-hidden="true"]')) continue;
    const style = getComputedStyle(parent);
    const box = parent.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
    texts.push(text);
  }
  for (const field of document.querySelectorAll('input, textarea')) if (field.placeholder) texts.push(field.placeholder);
  for (const option of document.querySelectorAll('select option')) texts.push((option.textContent || '').trim());
  return texts;
})()`;

async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(VISIBLE_TEXTS);
}

/** Problems found on the page: English words German says differently, and raw ids. */
/** People's names are names in every language ("Max Manager"); product names are the catalogue's own. */
const NAMES = new Set<string>([
  ...DEMO_STAFF.map((s) => s.name),
  ...demoMembers(50).map((m) => m.name),
  ...DEMO_PRODUCTS.map((p) => p.name),
]);

async function problems(page: Page, screen: string): Promise<string[]> {
  const english = englishPieces();
  const ids = rawIdPatterns();
  const found = new Set<string>();
  // The browser's date picker shows the OS's layout ("mm/dd/yyyy"), not the store's.
  const nativeDates = await page.locator('input[type="date"]:visible').count();
  if (nativeDates > 0)
    found.add(`${screen}: ${nativeDates} date field(s) use the browser's date picker (the OS's layout, not the store's)`);
  for (const text of await visibleTexts(page)) {
    if (NAMES.has(text)) continue;
    for (const e of english) if (e.pattern.test(text)) found.add(`${screen}: English "${e.piece}" (${e.key}) in “${text}”`);
    for (const id of ids) if (id.pattern.test(text)) found.add(`${screen}: ${id.what} in “${text}”`);
  }
  return [...found];
}

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  stack = await startStack({ members: 50 });
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signedInGerman(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'en-US' });
  // The cashier chose German; the machine's own language is English (the OS must not leak through).
  await page.addInitScript({ content: "localStorage.setItem('loyalty-terminal.language', 'de')" });
  await page.goto(stack.host.url);
  await page.locator('.staff-grid .staff-button', { hasText: manager.name }).click();
  // Typed into the PIN field itself: the field takes the focus a frame after the name is chosen.
  const pinField = page.getByLabel('PIN', { exact: true });
  await pinField.fill(manager.pin);
  await pinField.press('Enter');
  await page.locator('.topbar').waitFor();
  return page;
}

const nav = (page: Page, name: string) => page.locator('.topbar').getByRole('button', { name, exact: true }).click();

describe.each(SIZES)('German at $width×$height: no English, no raw ids', (viewport) => {
  const size = `${viewport.width}x${viewport.height}`;

  it('checkout (member, basket, keyed amount, points, earn explanation), enrol, day report, find member, history', async () => {
    const page = await signedInGerman(viewport);
    const found: string[] = [];
    try {
      await scanAndSee(page, member.cardNumber, () => page.locator('.member-name', { hasText: member.name }).waitFor({ timeout: 10_000 }));
      for (const [i, sku] of ['BREAD', 'APPLES', 'CIGARETTES'].entries())
        await scanAndSee(page, barcode(sku), () => page.locator('.basket tr[data-line]').nth(i).waitFor({ timeout: 10_000 }));
      await page.locator('.earn-explanation li').first().waitFor();
      await page.waitForTimeout(300);
      found.push(...(await problems(page, 'checkout')));
      await page.screenshot({ path: join(SHOTS, `lang-de-checkout-${size}.png`) });

      await nav(page, de['nav.enrol']);
      await page.locator('main.screen').first().waitFor();
      found.push(...(await problems(page, 'enrol')));
      await page.screenshot({ path: join(SHOTS, `lang-de-enrol-${size}.png`) });

      await nav(page, de['nav.report']);
      await page.locator('.report-figures').waitFor();
      found.push(...(await problems(page, 'day report')));
      await page.screenshot({ path: join(SHOTS, `lang-de-report-${size}.png`) });

      await nav(page, de['nav.find']);
      await page.locator('main.screen').first().waitFor();
      await page.getByLabel(de['find.query'], { exact: true }).fill(member.name.split(' ')[1]!);
      await page.waitForTimeout(800);
      found.push(...(await problems(page, 'find member')));
      await page.screenshot({ path: join(SHOTS, `lang-de-find-${size}.png`) });
    } finally {
      await page.close();
    }
    expect(found, found.join('\n')).toEqual([]);
  }, 90_000);

  it('enrol’s date of birth is typed in the store’s layout (TT.MM.JJJJ); a partial date is refused in German; a whole one is stored', async () => {
    const page = await signedInGerman(viewport);
    try {
      await nav(page, de['nav.enrol']);
      const birth = page.getByLabel(de['enrol.birthDate'], { exact: true });
      await birth.waitFor();
      expect(await birth.getAttribute('type')).toBe('text');
      expect(await birth.getAttribute('placeholder')).toBe('TT.MM.JJJJ');
      const name = `Lena Datum${Date.now() % 100_000}`;
      await page.getByLabel(de['enrol.name'], { exact: true }).fill(name);
      await birth.fill('14.03');
      await page.locator('main').getByRole('button', { name: de['enrol.submit'], exact: true }).click();
      await page.getByText(de['enrol.birthDateInvalid']).waitFor();
      await birth.fill('14.03.1990');
      await page.locator('main').getByRole('button', { name: de['enrol.submit'], exact: true }).click();
      await page.getByText(de['enrol.done'].replace('{name}', name)).waitFor();
      // The enrolment reaches the server with the date as entered.
      let stored: string | null | undefined;
      for (let i = 0; i < 50 && !stored; i++) {
        stored = (await stack.db.query<{ birth_date: string | null }>('SELECT birth_date FROM members WHERE name = $1', [name]))[0]
          ?.birth_date;
        if (!stored) await page.waitForTimeout(200);
      }
      expect(stored).toBe('1990-03-14');
    } finally {
      await page.close();
    }
  }, 60_000);

  it('the day report’s date field is in the store’s layout (TT.MM.JJJJ), not the browser’s', async () => {
    const page = await signedInGerman(viewport);
    try {
      await nav(page, de['nav.report']);
      const field = page.getByLabel(de['report.date'], { exact: true });
      await field.waitFor();
      expect(await field.getAttribute('type')).toBe('text');
      expect(await field.getAttribute('placeholder')).toBe('TT.MM.JJJJ');
      expect(await field.inputValue()).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
    } finally {
      await page.close();
    }
  }, 60_000);
});
