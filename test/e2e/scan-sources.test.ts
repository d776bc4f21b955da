import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/host.ts';
import { closeTerminalDb } from '../../main/backend/store/connection.ts';
import { programWith } from '../fixtures/program.ts';
import { CARD, LUHN_RANGE } from '../fixtures/member-tokens.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { startPtyPair, type PtyPair } from '../helpers/pty-pair.ts';
import { scanAndSee, wedgeScan } from '../helpers/stack.ts';
import { BACKEND_ENTRY, buildRenderer, ROOT } from '../helpers/renderer-build.ts';
import { createTestTerminal, STAFF, tempDir } from '../helpers/terminal.ts';

/**
 * One stream of scans whatever the scanner: a keyboard-wedge burst typed into
 * the page and a code written to a real serial PTY read by the backend process
 * both end as the member on the checkout screen.
 */
const SHOTS = join(ROOT, 'test/artifacts/screenshots');
/** Luhn-valid, in the same range. */
const SECOND_CARD = '2900000000000015';

let dir: { path: string; remove(): void };
let rendererDir: string;
let host: BrowserHost;
let pty: PtyPair;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = tempDir('sources-e2e-');
  pty = await startPtyPair(dir.path);
  const terminal = createTestTerminal({ dir: dir.path, now: Date.now(), program: programWith({ cards: { ranges: [LUHN_RANGE] } }) });
  const manager = terminal.login('manager');
  terminal.enrol(manager, { name: 'Wedge Member', cardNumber: CARD });
  terminal.enrol(manager, { name: 'Serial Member', cardNumber: SECOND_CARD });
  closeTerminalDb(terminal.backend.store);
  rendererDir = await buildRenderer();
  host = await startBrowserHost({
    rendererDir,
    backendEntry: BACKEND_ENTRY,
    backendEnv: {
      LT_DB_PATH: terminal.dbPath,
      LT_STORE_ID: 'store-1',
      LT_SERIAL: JSON.stringify({ path: pty.scannerPath, baudRate: 115200 }),
    },
    onLog: () => {},
  });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(host.url);
  await page.getByLabel('Staff ID').fill(STAFF.cashier.id);
  await page.getByLabel('PIN', { exact: true }).fill(STAFF.cashier.pin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Scan the member’s card or QR code').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await pty?.stop();
  if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
  dir?.remove();
});

describe('scanners into one stream', () => {
  it('a keyboard-wedge burst finds the member and types nothing into the page', async () => {
    await scanAndSee(page, CARD, () => page.locator('.member-name', { hasText: 'Wedge Member' }).waitFor({ timeout: 10_000 }));
  });

  it('a code from the serial scanner reaches the screen through the backend process', async () => {
    pty.write(`${SECOND_CARD}\r`);
    await page.locator('.member-name', { hasText: 'Serial Member' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'serial-scan-member.png') });
  });

  it('garbage from the wedge gets a plain refusal; garbage on the serial line leaves the reader working', async () => {
    await wedgeScan(page, '#!NOT-A-CODE!#');
    await page.locator('.notice-bad', { hasText: '✗' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.member-name').textContent()).toBe('Serial Member');

    pty.write(Buffer.from([0xff, 0xfe, 0x41, 0x0d]));
    pty.write(`${CARD}\r`);
    await page.locator('.member-name', { hasText: 'Wedge Member' }).waitFor({ timeout: 10_000 });
  });
});
