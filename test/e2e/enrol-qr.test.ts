import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../../main/demo/demo-data.ts';
import { fakeCameraArgs, launchChromium } from '../helpers/chromium.ts';
import { writeFakeCameraVideo } from '../helpers/fake-camera.ts';
import { ROOT } from '../helpers/renderer-build.ts';
import { signedInPage, startStack, type Stack } from '../helpers/stack.ts';

/**
 * A manager enrols a customer and issues a QR card (signed by the central
 * server); shown to the camera of another terminal screen, the card finds the member.
 */
const SHOTS = join(ROOT, 'test/artifacts/screenshots');
const manager = DEMO_STAFF.find((s) => s.role === 'manager')!;
const cashier = DEMO_STAFF.find((s) => s.role === 'cashier')!;

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  stack = await startStack({ members: 20 });
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('enrolment and QR cards', () => {
  it('manager enrols a member and issues a QR card; the card on camera finds that member', async () => {
    const { page } = await signedInPage(stack, manager.id, manager.pin, browser);
    await page.locator('.sync-badge[data-sync-state="online"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    await page.getByLabel('Full name').fill('Quinn Example');
    await page.getByLabel('Phone').fill('+49 30 1234567');
    await page.getByLabel(/agrees to receive offers/).check();
    await page.locator('form').getByRole('button', { name: 'Enrol', exact: true }).click();
    await page.getByText('Quinn Example is now a member.').waitFor();

    await page.getByRole('button', { name: 'Show QR card' }).click();
    const qr = page.locator('img.qr-card-code');
    await qr.waitFor({ timeout: 15_000 });
    const token = (await qr.getAttribute('data-token'))!;
    expect(token).toMatch(/^LT1\./);
    await page.screenshot({ path: join(SHOTS, 'enrol-qr-card.png') });

    // The printed card, held up to a terminal's camera.
    const video = await writeFakeCameraVideo(token, 'QRCode', join(stack.dir, 'qr-card'));
    const camera = await launchChromium(fakeCameraArgs(video));
    try {
      const { page: till } = await signedInPage(stack, cashier.id, cashier.pin, camera);
      await till.getByRole('button', { name: 'Scan with camera' }).click();
      await till.locator('.member-name', { hasText: 'Quinn Example' }).waitFor({ timeout: 20_000 });
      await till.screenshot({ path: join(SHOTS, 'enrol-qr-found-by-camera.png') });
    } finally {
      await camera.close();
    }
  }, 120_000);
});
