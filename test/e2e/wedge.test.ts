import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScanEvent } from '../../shared/scan.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { sendBurst } from '../helpers/scanner-burst.ts';

/**
 * The wedge listener in real Chromium, typed at by real (CDP-injected, trusted) key events: at
 * scanner speed and at a person's, into a focused input, a textarea, a button and a page with
 * nothing focused. A scanner's keys go in as one burst, each stamped with the time it was pressed
 * (CDP's `timestamp`), as the OS queues and stamps a USB scanner's keys: a loaded machine may
 * deliver them late, but never spreads them out.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'test/artifacts/wedge');
const SCREENSHOTS = join(ROOT, 'test/artifacts/screenshots');

/** What the page's app side saw: recorded by the page script below. */
interface PageState {
  scans: ScanEvent[];
  /** Every value an `input` event carried. */
  values: string[];
  /** Every keydown that reached the app (after the listener), real or replayed. */
  keys: string[];
  /** The field's value at each form submit. */
  submits: string[];
  clicks: number;
  /** keydown timestamps seen before the listener: the real gaps, for failure messages. */
  times: number[];
}

// The page script, bundled with the real listener. Written here rather than as a .ts file so the
// Node-side typecheck (no DOM lib) never reaches browser code.
const PAGE_SCRIPT = `
const state = { scans: [], values: [], keys: [], submits: [], clicks: 0, times: [] };
window.__state = state;
window.__scans = state.scans;
window.addEventListener('keydown', (e) => state.times.push(e.timeStamp), { capture: true });
import('./renderer/scanning/wedge-listener.ts').then(({ createWedgeListener }) => {
  createWedgeListener({
    onScan: (scan) => {
      state.scans.push(scan);
      document.getElementById('scans').textContent += scan.source + ' ' + scan.text + '\\n';
    },
  });
  document.documentElement.dataset.ready = 'yes';
});
document.addEventListener('input', (e) => state.values.push(e.target.value));
document.addEventListener('keydown', (e) => state.keys.push(e.key));
document.getElementById('button').addEventListener('click', () => state.clicks++);
document.getElementById('form').addEventListener('submit', (e) => {
  e.preventDefault();
  state.submits.push(document.getElementById('field').value);
});
`;

const SCANNER_DELAY = 5;
const HUMAN_DELAY = 120;
const CODE = '4006381333931';

let browser: Browser;
let page: Page;
let cdp: CDPSession;
let url: string;
/** Kept and thrown by every test, so a missing browser shows as failed tests, never skipped ones. */
let launchError: unknown;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  await build({
    stdin: { contents: PAGE_SCRIPT, resolveDir: ROOT, sourcefile: 'wedge-page.js', loader: 'js' },
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    outfile: join(OUT, 'wedge-page.js'),
    logLevel: 'silent',
  });
  copyFileSync(join(ROOT, 'test/e2e/pages/wedge.html'), join(OUT, 'wedge.html'));
  url = pathToFileURL(join(OUT, 'wedge.html')).href;
  try {
    browser = await launchChromium();
    page = await browser.newPage();
    cdp = await page.context().newCDPSession(page);
  } catch (error) {
    launchError = error;
  }
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  if (launchError !== undefined) throw launchError;
  await page.goto(url);
  await page.waitForSelector('html[data-ready="yes"]');
});

const state = (): Promise<PageState> => page.evaluate(() => (globalThis as unknown as { __state: PageState }).__state);
const value = (selector: string): Promise<string> => page.locator(selector).inputValue();
/** The element with focus, as tag#id: no DOM types on the Node side. */
const focused = (): Promise<string> =>
  page.evaluate(() => {
    const el = (globalThis as unknown as { document: { activeElement: { tagName: string; id: string } | null } }).document.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}` : '';
  });

const gaps = (s: PageState) => s.times.slice(1).map((t, i) => Math.round(t - (s.times[i] ?? t)));

/** Keys pressed SCANNER_DELAY ms apart, as a scanner sends them. */
const scannerKeys = (keys: readonly string[]): Promise<void> => sendBurst(cdp, keys, SCANNER_DELAY);

async function scan(text: string, terminator = 'Enter'): Promise<void> {
  await scannerKeys([...text, terminator]);
}

async function humanTypes(text: string): Promise<void> {
  await page.keyboard.type(text, { delay: HUMAN_DELAY });
}

/** Waits until the page holds nothing back and has reported `count` scans. */
async function settled(count: number): Promise<PageState> {
  await expect.poll(async () => (await state()).scans.length, { timeout: 3_000 }).toBe(count);
  await page.waitForTimeout(300); // past every deadline of the detector and its grace for a page that is behind: held keys are decided
  return state();
}

const scanTexts = (s: PageState) => s.scans.map((e) => e.text);
const hasDigit = (v: string) => /[0-9]/.test(v);

describe('wedge scanner in Chromium', () => {
  it('(a) focused input: the scan is reported and never reaches the input; typing around it arrives exactly', async () => {
    await page.focus('#field');
    await humanTypes('hello');
    await scan(CODE);
    await humanTypes(' world');
    const s = await settled(1);

    expect(s.scans, `key gaps ${gaps(s).join(' ')}`).toEqual([{ source: 'wedge', text: CODE, at: expect.any(Number) }]);
    expect(Math.abs(s.scans[0]!.at - Date.now())).toBeLessThan(10_000);
    expect(await value('#field')).toBe('hello world');
    expect(s.values.filter(hasDigit)).toEqual([]);
    // The app's own key handlers saw the person's keys (replayed) and none of the scanner's.
    expect(s.keys.join('')).toBe('hello world');
    expect(s.submits).toEqual([]); // the scan's Enter did not submit the form
    await page.screenshot({ path: join(SCREENSHOTS, 'wedge.png'), fullPage: true });
  });

  it('(a) focused input: a short fast run then Enter is a person submitting the form', async () => {
    await page.focus('#field');
    await scannerKeys(['4', '2', 'Enter']);
    const s = await settled(0);

    expect(s.submits).toEqual(['42']);
    expect(await value('#field')).toBe('42');
  });

  it('(b) nothing focused: the scan is reported, Tab as terminator leaves the focus where it was', async () => {
    expect(await focused()).toBe('body');
    await scan('ABC-12345', 'Tab');
    await humanTypes('xyz');
    const s = await settled(1);

    expect(scanTexts(s), `key gaps ${gaps(s).join(' ')}`).toEqual(['ABC-12345']);
    expect(await focused()).toBe('body');
    expect(s.keys.join('')).toBe('xyz');
    expect(await value('#field')).toBe('');
  });

  it('(b) nothing focused: a scanner that holds Shift for capitals', async () => {
    await scannerKeys([...[...'Ab12cD34'].map((ch) => (/[A-Z]/.test(ch) ? `Shift+${ch}` : ch)), 'Enter']);
    const s = await settled(1);
    expect(scanTexts(s), `key gaps ${gaps(s).join(' ')}`).toEqual(['Ab12cD34']);
  });

  it("(c) textarea: a person's Enter is a new line, a scan's Enter is not", async () => {
    await page.focus('#notes');
    await humanTypes('note');
    await page.waitForTimeout(HUMAN_DELAY);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(HUMAN_DELAY);
    await humanTypes('ok');
    await page.waitForTimeout(HUMAN_DELAY);
    await scan(CODE);
    const s = await settled(1);

    expect(scanTexts(s), `key gaps ${gaps(s).join(' ')}`).toEqual([CODE]);
    expect(await value('#notes')).toBe('note\nok');
    expect(s.values.filter(hasDigit)).toEqual([]);
  });

  it('a focused button: Space from a person still presses it, a scan does not', async () => {
    await page.focus('#button');
    await page.keyboard.press(' ');
    await page.waitForTimeout(HUMAN_DELAY);
    await scan(CODE);
    const s = await settled(1);

    expect(s.clicks).toBe(1);
    expect(scanTexts(s)).toEqual([CODE]);
  });
});
