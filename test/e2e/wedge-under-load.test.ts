import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF, demoMembers } from '../../main/demo/demo-data.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { startStack, wedgeScan, type Stack } from '../helpers/stack.ts';

/**
 * Scans are never lost silently, even on a starved machine: with busy loops on every core (load
 * about 4 on 2 cores), fast wedge scans on the checkout each end in the member on screen (a good
 * tone) or a message and a bad tone, never in nothing. The keys go in two ways: typed by the
 * browser one at a time (a loaded machine spreads them out and the listener sees pieces) and as a
 * burst stamped with the scanner's times.
 */
const cashier = DEMO_STAFF.find((s) => s.role === 'cashier')!;
const members = demoMembers(20);
const BUSY_LOOPS = 4;

let stack: Stack;
let browser: Browser;
const busy: ChildProcess[] = [];

beforeAll(async () => {
  stack = await startStack({ members: 20 });
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  for (const child of busy) child.kill('SIGKILL');
  await browser?.close();
  await stack?.close();
});

// Every tone the page plays: the frequency of each oscillator started (1760 Hz good, 2 × 220 Hz bad).
const TONES = `
  window.__tones = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    window.__tones.push(this.frequency.value);
    return start.apply(this, args);
  };`;

async function tones(page: Page): Promise<{ good: number; bad: number }> {
  const all = await page.evaluate<number[]>('window.__tones');
  return { good: all.filter((f) => f > 1000).length, bad: all.filter((f) => f < 1000).length / 2 };
}

async function signIn(page: Page): Promise<void> {
  await page.goto(stack.host.url);
  await page.locator('.staff-button', { hasText: cashier.name }).click();
  for (const digit of cashier.pin)
    await page.getByRole('group', { name: 'PIN pad' }).getByRole('button', { name: digit, exact: true }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.topbar').waitFor();
  await page.locator('.sync-badge[data-sync-state="online"]').waitFor({ timeout: 20_000 });
}

/** What one scan led to: the member on screen with a good tone, or a message with a bad tone. */
async function outcome(page: Page, before: { good: number; bad: number }, name: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const now = await tones(page);
    if (now.good > before.good && (await page.locator('.member-name', { hasText: name }).count()) > 0) return 'resolved';
    if (now.bad > before.bad) {
      // A bad tone always comes with words on screen.
      const words = await page.locator('.notice-bad, [role="alert"]').allInnerTexts();
      const said = words.map((w) => w.trim()).filter((w) => w.length > 0);
      return said.length > 0 ? `reported (${said.join(' / ').slice(0, 120)})` : 'lost';
    }
    await page.waitForTimeout(100);
  }
  return 'lost';
}

describe('wedge scans under CPU load', () => {
  it(`with ${BUSY_LOOPS} busy loops on the machine, every fast scan is resolved or reported with a tone and a message`, async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    await page.addInitScript(TONES);
    await signIn(page);
    for (let i = 0; i < BUSY_LOOPS; i++) busy.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    try {
      await page.waitForTimeout(1_000); // let the load build up
      const results: string[] = [];
      for (const [i, member] of members.slice(1, 9).entries()) {
        await page.evaluate('document.activeElement && document.activeElement.blur()');
        const before = await tones(page);
        if (i % 2 === 0) {
          // Typed by the browser key by key: on a loaded machine the gaps between keys grow and vary.
          await page.keyboard.type(member.cardNumber, { delay: 2 });
          await page.keyboard.press('Enter');
        } else {
          await wedgeScan(page, member.cardNumber);
        }
        results.push(`${i % 2 === 0 ? 'typed' : 'burst'} ${member.cardNumber}: ${await outcome(page, before, member.name)}`);
      }
      console.log(results.join('\n'));
      expect(results.filter((r) => r.endsWith('lost'))).toEqual([]);
    } finally {
      for (const child of busy.splice(0)) child.kill('SIGKILL');
      await page.close();
    }
  }, 240_000);
});
