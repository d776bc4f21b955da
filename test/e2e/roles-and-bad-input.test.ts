import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO_STAFF, demoMembers } from '../../main/demo/demo-data.ts';
import type { Response } from '../../shared/api.ts';
import { fakeCameraArgs, launchChromium } from '../helpers/chromium.ts';
import { writeFakeCameraVideo } from '../helpers/fake-camera.ts';
import { ROOT } from '../helpers/renderer-build.ts';
import { scanAndSee, signedInPage, startStack, wedgeScan, type Stack } from '../helpers/stack.ts';

/** What a cashier may not do (refused by the backend, not only hidden), and bad input at the counter. */
const SHOTS = join(ROOT, 'test/artifacts/screenshots');
const cashier = DEMO_STAFF.find((s) => s.role === 'cashier')!;
const member = demoMembers(20)[0]!;

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

/** A raw API client on the host's socket, as any page of this origin could be: the backend must say no. */
async function rawCalls(calls: { method: string; input: unknown }[]): Promise<Response[]> {
  const ws = new WebSocket(`ws://127.0.0.1:${stack.host.port}/api`, ['loyalty-terminal.v1', `token.${stack.host.token}`], {
    origin: stack.host.origin,
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const answers: Response[] = [];
  // The socket also carries pushed events (sync status): wait for the next answer.
  const next = () =>
    new Promise<Response>((resolve) => {
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { response?: Response };
        if (!message.response) return;
        ws.off('message', onMessage);
        resolve(message.response);
      };
      ws.on('message', onMessage);
    });
  ws.send(JSON.stringify({ id: 1, method: 'staff.login', input: { staffId: cashier.id, pin: cashier.pin } }));
  const login = await next();
  const token = login.ok ? (login.result as { token: string }).token : null;
  for (const [i, call] of calls.entries()) {
    ws.send(JSON.stringify({ id: i + 2, method: call.method, input: call.input, token }));
    answers.push(await next());
  }
  ws.close();
  return answers;
}

describe('roles', () => {
  it('a cashier sees no enrolment, adjustment or settings, and the backend refuses them too', async () => {
    const { page } = await signedInPage(stack, cashier.id, cashier.pin, browser);
    const nav = await page.locator('.topbar nav button').allTextContents();
    expect(nav).toEqual(['Checkout', 'Find member']);
    await page.locator('.sync-badge[data-sync-state="online"]').waitFor({ timeout: 20_000 });
    await scanAndSee(page, member.cardNumber, () => page.locator('.member-name', { hasText: member.name }).waitFor({ timeout: 10_000 }));
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('heading', { name: 'Sales' }).waitFor();
    expect(await page.getByRole('button', { name: 'Adjust points' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Refund…' }).count()).toBe(0);
    await page.close();

    const answers = await rawCalls([
      { method: 'member.enrol', input: { memberId: '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', name: 'Sneaky', consentMarketing: false } },
      {
        method: 'points.adjust',
        input: { adjustmentId: '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c', memberId: member.id, points: 1000, reason: 'gift to myself' },
      },
      { method: 'sync.pair', input: { serverUrl: 'http://127.0.0.1:1', code: 'ABCD' } },
      { method: 'report.endOfDay', input: {} },
    ]);
    expect(answers.map((a) => (a.ok ? 'ok' : a.error.code))).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  }, 60_000);

  it('an admin’s settings show the serial scanner for IT: its state and the serial ports on this machine', async () => {
    const admin = DEMO_STAFF.find((s) => s.role === 'admin')!;
    const { page } = await signedInPage(stack, admin.id, admin.pin, browser);
    await page.locator('.topbar nav button', { hasText: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Serial scanner' }).waitFor();
    expect(await page.locator('.serial-scanner [data-serial-state]').getAttribute('data-serial-state')).toBe('none');
    await page.getByText('Serial ports on this machine').waitFor();
    await page.locator('.serial-scanner').getByText('Loading', { exact: false }).waitFor({ state: 'detached', timeout: 10_000 });
    for (const [width, height] of [
      [1024, 768],
      [1280, 800],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: join(SHOTS, `settings-${width}x${height}.png`), fullPage: true });
    }
    await page.close();
  }, 60_000);
});

describe('bad input at the counter', () => {
  it('garbage from the wedge and letters in the amount field get plain refusals; nothing is added', async () => {
    const { page } = await signedInPage(stack, cashier.id, cashier.pin, browser);
    await wedgeScan(page, 'X9!#GARBAGE#!');
    await page.locator('.notice-bad', { hasText: '✗' }).waitFor();
    await page.getByLabel('Amount', { exact: true }).fill('twelve');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByText('Type an amount such as 12.50.').waitFor();
    expect(await page.locator('.basket tr[data-line]').count()).toBe(0);
    await page.getByLabel('Amount', { exact: true }).fill('12,50');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.locator('.checkout-bar [data-payable="1250"]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'bad-input-amount.png') });
    await page.close();
  }, 60_000);

  it('a QR code that is not ours, on camera, is refused with a reason', async () => {
    const video = await writeFakeCameraVideo('https://example.com/not-a-member', 'QRCode', join(stack.dir, 'foreign-qr'));
    const camera = await launchChromium(fakeCameraArgs(video));
    try {
      const { page } = await signedInPage(stack, cashier.id, cashier.pin, camera);
      await page.getByRole('button', { name: 'Scan with camera' }).click();
      await page.locator('.notice-bad', { hasText: 'not a member code, card or product barcode' }).waitFor({ timeout: 20_000 });
      expect(await page.locator('.member-panel').count()).toBe(0);
    } finally {
      await camera.close();
    }
  }, 60_000);
});
