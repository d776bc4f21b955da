import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/host.ts';
import { signMemberToken } from '../../server/tokens/member-token-sign.ts';
import { closeTerminalDb, writeTransaction } from '../../main/backend/store/connection.ts';
import { upsertTokenKey } from '../../main/backend/store/member-token-keys.ts';
import { makeKey } from '../fixtures/member-tokens.ts';
import { fakeCameraArgs, launchChromium } from '../helpers/chromium.ts';
import { writeFakeCameraVideo } from '../helpers/fake-camera.ts';
import { BACKEND_ENTRY, buildRenderer, ROOT } from '../helpers/renderer-build.ts';
import { createTestTerminal, PRODUCTS, STAFF, tempDir } from '../helpers/terminal.ts';

/**
 * The camera end to end: Chromium's fake camera plays a generated code, the
 * real renderer decodes it in its Web Worker, and the real backend (its own
 * process, behind the browser host) receives and resolves the scan.
 */
const SHOTS = join(ROOT, 'test/artifacts/screenshots');
const MEMBER_NAME = 'Ada Lovelace';
const key = makeKey(7);
const forger = makeKey(7);

let dir: { path: string; remove(): void };
let rendererDir: string;
let host: BrowserHost;
const backendLog: string[] = [];
let memberId: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = tempDir('camera-e2e-');
  const terminal = createTestTerminal({ dir: dir.path, now: Date.now() });
  const member = terminal.enrol(terminal.login('manager'), { name: MEMBER_NAME, cardNumber: null });
  memberId = member.id;
  writeTransaction(terminal.backend.store, (db) =>
    upsertTokenKey(db, { keyId: key.keyId, publicKey: key.raw, revokedAt: null, now: Date.now() }),
  );
  closeTerminalDb(terminal.backend.store);
  rendererDir = await buildRenderer();
  host = await startBrowserHost({
    rendererDir,
    backendEntry: BACKEND_ENTRY,
    backendEnv: { LT_DB_PATH: terminal.dbPath, LT_STORE_ID: 'store-1', LT_LOG_LEVEL: 'debug' },
    onLog: (line) => backendLog.push(line),
  });
}, 60_000);

afterAll(async () => {
  await host?.close();
  if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
  dir?.remove();
});

/** A browser whose only camera shows this code; signed in as a cashier with the camera open. */
async function cameraShowing(text: string, format: 'QRCode' | 'EAN13', name: string): Promise<{ browser: Browser; page: Page }> {
  const video = await writeFakeCameraVideo(text, format, join(dir.path, name));
  const browser = await launchChromium(fakeCameraArgs(video));
  const page = await browser.newPage();
  // Every stream the page opens, so the test can see the camera released.
  await page.addInitScript(`
    window.__streams = [];
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (c) => {
      const stream = await original(c);
      window.__streams.push(stream);
      return stream;
    };`);
  await page.goto(host.url);
  await page.getByLabel('Staff ID').fill(STAFF.cashier.id);
  await page.getByLabel('PIN', { exact: true }).fill(STAFF.cashier.pin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Scan with camera' }).click();
  return { browser, page };
}

/** States of every camera track the page opened. */
const trackStates = (page: Page) => page.evaluate<string[]>('window.__streams.flatMap((s) => s.getTracks()).map((t) => t.readyState)');

const scansReceived = (source: string) =>
  backendLog.filter((l) => l.includes('"event":"scan.received"') && l.includes(`"source":"${source}"`)).length;

describe('camera scanning in real Chromium', () => {
  it('a member QR token on camera finds the member, through the worker and the backend process', async () => {
    const token = signMemberToken(
      { memberId, cardNumber: null, issuedAt: Date.now() - 60_000, expiresAt: Date.now() + 86_400_000, tokenId: 'e2e000000001' },
      key.privateKey,
      key.keyId,
    );
    const { browser, page } = await cameraShowing(token, 'QRCode', 'member-qr');
    try {
      await page.locator('.member-name', { hasText: MEMBER_NAME }).waitFor({ timeout: 15_000 });
      expect(await page.locator('.member-panel').getAttribute('data-member-id')).toBe(memberId);
      expect(scansReceived('camera')).toBeGreaterThanOrEqual(1);
      expect(await page.locator('.banner').count(), 'no "connecting" banner once connected').toBe(0);
      await page.screenshot({ path: join(SHOTS, 'camera-member-found.png') });

      // Decoding ran in a Web Worker, not on the page's thread.
      expect(page.workers().length).toBe(1);

      // Leaving the camera releases it and ends the worker.
      await page.getByRole('button', { name: 'Close camera' }).click();
      await expect.poll(() => trackStates(page)).toEqual(['ended']);
      await expect.poll(() => page.workers().length).toBe(0);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('continuous scanning holds the same code once per 2 s and does not grow the page heap', async () => {
    const token = signMemberToken(
      { memberId, cardNumber: null, issuedAt: Date.now() - 60_000, expiresAt: null, tokenId: 'e2e000000002' },
      key.privateKey,
      key.keyId,
    );
    const { browser, page } = await cameraShowing(token, 'QRCode', 'member-qr-long');
    try {
      await page.locator('.member-name', { hasText: MEMBER_NAME }).waitFor({ timeout: 15_000 });
      const cdp = await page.context().newCDPSession(page);
      const heap = async () => {
        await cdp.send('HeapProfiler.collectGarbage');
        return (await cdp.send('Runtime.getHeapUsage')).usedSize;
      };
      const before = await heap();
      const scansBefore = scansReceived('camera');
      await page.waitForTimeout(8_000);
      const after = await heap();
      const scans = scansReceived('camera') - scansBefore;
      // The code stays in view: reported again every 2 s, not on every frame (10 frames a second).
      expect(scans).toBeGreaterThanOrEqual(2);
      expect(scans).toBeLessThanOrEqual(5);
      expect(after - before, `page heap grew from ${before} to ${after} bytes`).toBeLessThan(2 * 1024 * 1024);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('a forged member token on camera is refused with a reason, and the refusal is logged', async () => {
    const forged = signMemberToken(
      { memberId, cardNumber: null, issuedAt: Date.now() - 60_000, expiresAt: null, tokenId: 'e2e000000003' },
      forger.privateKey,
      key.keyId,
    );
    const { browser, page } = await cameraShowing(forged, 'QRCode', 'forged-qr');
    try {
      await page.locator('.notice-bad', { hasText: '✗' }).waitFor({ timeout: 15_000 });
      expect(await page.locator('.notice-bad').textContent()).toContain('not genuine');
      expect(await page.locator('.member-panel').count()).toBe(0);
      await page.screenshot({ path: join(SHOTS, 'camera-forged-token.png') });
      expect(backendLog.some((l) => l.includes('"event":"scan.refused"') && l.includes('"code":"BAD_TOKEN"'))).toBe(true);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('a product barcode on camera resolves to the catalogue product', async () => {
    const product = PRODUCTS.find((p) => p.barcodes.some((b) => b.length === 13))!;
    const barcode = product.barcodes.find((b) => b.length === 13)!;
    const { browser, page } = await cameraShowing(barcode, 'EAN13', 'product-ean13');
    try {
      await page.locator('.notice-good', { hasText: `✓ ${product.name}` }).waitFor({ timeout: 15_000 });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
