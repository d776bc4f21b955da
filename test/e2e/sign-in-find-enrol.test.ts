import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF, DEMO_STORE, demoMembers } from '../../main/demo/demo-data.ts';
import { de } from '../../renderer/i18n/de.ts';
import { en, type MessageKey } from '../../renderer/i18n/en.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { ROOT } from '../helpers/renderer-build.ts';
import { startStack, wedgeScan, type Stack } from '../helpers/stack.ts';

/**
 * Sign-in by name and PIN pad, lockout and a manager's unlock, Find member by any phone format and
 * by surname, the duplicate warning before enrolment, Settings' pairing and the no-connection
 * banner, at the two common POS screen sizes, with screenshots of each screen kept as artifacts.
 */
const SHOTS = join(ROOT, 'test/artifacts/screenshots');
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
] as const;
const cashier = DEMO_STAFF.find((s) => s.role === 'cashier')!;
const manager = DEMO_STAFF.find((s) => s.role === 'manager')!;
const admin = DEMO_STAFF.find((s) => s.role === 'admin')!;
const MEMBERS = 50;
// Member 3: phone +49 151 01000003, i.e. 0151 01000003 in Germany (the demo store's country).
const member = demoMembers(MEMBERS)[2]!;
const [firstName, surname] = member.name.split(' ') as [string, string];

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  stack = await startStack({ members: MEMBERS, backendEnv: { LT_SYNC_REQUEST_TIMEOUT_MS: '1000' } });
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const size = (s: { width: number; height: number }) => `${s.width}x${s.height}`;

async function open(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(stack.host.url);
  await page.locator('.staff-grid .staff-button').first().waitFor();
  return page;
}

/** Entirely inside the viewport: seen and reachable without scrolling. */
async function inViewport(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const view = page.viewportSize()!;
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= view.width && box.y + box.height <= view.height;
}

const pad = (page: Page) => page.getByRole('group', { name: 'PIN pad' });
async function typeOnPad(page: Page, pin: string): Promise<void> {
  for (const digit of pin) await pad(page).getByRole('button', { name: digit, exact: true }).click();
}
const message = (page: Page) => page.locator('.sign-in-pin .message-slot');

async function signIn(page: Page, who: { name: string; pin: string }): Promise<void> {
  await page.locator('.staff-button', { hasText: who.name }).click();
  await typeOnPad(page, who.pin);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.topbar .staff-name', { hasText: who.name }).waitFor();
}

/** The first pull has brought the demo members to the terminal. */
async function membersArrived(page: Page): Promise<void> {
  await page.locator('.sync-badge[data-sync-state="online"]').waitFor({ timeout: 20_000 });
}

describe('sign-in by name and PIN', () => {
  for (const viewport of SIZES) {
    it(`at ${size(viewport)}: tap the name, type the PIN on the pad, Sign in; the list shows names and roles only`, async () => {
      const page = await open(viewport);
      try {
        const buttons = page.locator('.staff-grid .staff-button');
        expect(await buttons.allInnerTexts()).toEqual(
          expect.arrayContaining([
            expect.stringContaining('Carla Cashier'),
            expect.stringContaining('Max Manager'),
            expect.stringContaining('Ada Admin'),
          ]),
        );
        // Roles in words; no staff id anywhere on the page before sign-in.
        expect(await page.locator('.staff-grid').innerText()).toContain('IT administrator');
        const text = await page.locator('body').innerText();
        for (const s of DEMO_STAFF) expect(text).not.toContain(s.id);

        await page.locator('.staff-button', { hasText: cashier.name }).click();
        await expect.poll(() => page.locator('.sign-in-chosen').innerText()).toBe(`PIN for ${cashier.name}`);
        await typeOnPad(page, cashier.pin);
        expect(await page.getByLabel('PIN', { exact: true }).inputValue()).toBe(cashier.pin);
        const submit = page.getByRole('button', { name: 'Sign in', exact: true });
        expect(await inViewport(page, submit)).toBe(true);
        expect(await inViewport(page, page.locator('.staff-button', { hasText: admin.name }))).toBe(true);
        // Touch targets of at least 48 px on the pad.
        for (const box of await Promise.all((await pad(page).getByRole('button').all()).map((b) => b.boundingBox())))
          expect(Math.min(box!.width, box!.height)).toBeGreaterThanOrEqual(48);
        await page.screenshot({ path: join(SHOTS, `sign-in-${size(viewport)}.png`) });
        await submit.click();
        await page.locator('.topbar .staff-name', { hasText: cashier.name }).waitFor();
      } finally {
        await page.close();
      }
    }, 60_000);
  }

  it('by keyboard alone: Tab to a name, Enter, type the PIN and Enter', async () => {
    const page = await open(SIZES[0]);
    try {
      await page.locator('.staff-button', { hasText: cashier.name }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.sign-in-chosen').innerText()).toBe(`PIN for ${cashier.name}`);
      // The PIN goes in at human speed (a burst would be taken for a scanner).
      await page.keyboard.type(cashier.pin, { delay: 90 });
      await page.keyboard.press('Enter');
      await page.locator('.topbar .staff-name', { hasText: cashier.name }).waitFor();
    } finally {
      await page.close();
    }
  }, 60_000);
});

describe('numeric pad', () => {
  it('keys that reach the pad in one go (a held-back burst given back) each count: none is lost to a stale value', async () => {
    const page = await open(SIZES[0]);
    try {
      await page.locator('.staff-button', { hasText: cashier.name }).click();
      await expect.poll(() => page.locator('.sign-in-chosen').innerText()).toBe(`PIN for ${cashier.name}`);
      // Four keys in one task, as the wedge listener gives back a burst it judged typing: no render in between.
      await page.evaluate(
        `document.activeElement?.blur();
         for (const key of ${JSON.stringify(cashier.pin)}) window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));`,
      );
      await expect.poll(() => page.locator('input[name="pin"]').inputValue()).toBe(cashier.pin);
    } finally {
      await page.close();
    }
  }, 60_000);
});

describe('staff card', () => {
  it('a staff card scanned on the sign-in screen chooses who signs in; only the PIN is typed', async () => {
    const page = await open(SIZES[0]);
    try {
      await wedgeScan(page, cashier.id);
      await expect.poll(() => page.locator('.sign-in-chosen').innerText()).toBe('PIN for Staff card');
      // The card's number is not shown.
      expect(await page.locator('body').innerText()).not.toContain(cashier.id);
      await typeOnPad(page, cashier.pin);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('.topbar .staff-name', { hasText: cashier.name }).waitFor();
    } finally {
      await page.close();
    }
  }, 60_000);
});

describe('lockout and unlock', () => {
  it('wrong PINs say the attempts left; the fifth locks with the time it ends; a manager unlocks it here', async () => {
    const page = await open(SIZES[0]);
    try {
      await page.locator('.staff-button', { hasText: cashier.name }).click();
      const signInButton = page.getByRole('button', { name: 'Sign in', exact: true });
      for (const left of [4, 3, 2]) {
        await typeOnPad(page, '0000');
        await signInButton.click();
        await expect.poll(() => message(page).innerText()).toContain(`Wrong PIN. ${left} attempts left`);
      }
      await typeOnPad(page, '0000');
      await signInButton.click();
      await expect.poll(() => message(page).innerText()).toContain('Wrong PIN. 1 attempt left');
      await typeOnPad(page, '0000');
      await signInButton.click();
      await expect.poll(() => message(page).innerText()).toMatch(/Locked after too many wrong PINs, until \d{2}:\d{2} \(about 15 min\)/);
      // The right PIN does not get in while locked.
      await typeOnPad(page, cashier.pin);
      await signInButton.click();
      await expect.poll(() => message(page).innerText()).toContain('Locked after too many wrong PINs');
      const unlock = page.getByRole('button', { name: 'Unlock with a manager’s PIN' });
      expect(await inViewport(page, unlock)).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'sign-in-locked-1024x768.png') });

      await unlock.click();
      await page.getByRole('heading', { name: `Unlock ${cashier.name}` }).waitFor();
      // Only managers and administrators are offered.
      expect(await page.locator('.staff-grid .staff-button-name').allInnerTexts()).toEqual([admin.name, manager.name]);
      await page.locator('.staff-button', { hasText: manager.name }).click();
      await typeOnPad(page, manager.pin);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      await expect.poll(() => message(page).innerText()).toContain(`${cashier.name} is unlocked (by ${manager.name})`);
      await page.screenshot({ path: join(SHOTS, 'sign-in-unlocked-1024x768.png') });
      // Back on the cashier's PIN: it signs in now.
      await expect.poll(() => page.locator('.sign-in-chosen').innerText()).toBe(`PIN for ${cashier.name}`);
      await typeOnPad(page, cashier.pin);
      await signInButton.click();
      await page.locator('.topbar .staff-name', { hasText: cashier.name }).waitFor();
    } finally {
      await page.close();
    }
  }, 90_000);
});

describe('find member', () => {
  for (const viewport of SIZES) {
    it(`at ${size(viewport)}: the same member by national, international and 00 phone formats, by surname and by "surname initial"`, async () => {
      const page = await open(viewport);
      try {
        await signIn(page, cashier);
        await membersArrived(page);
        await page.getByRole('button', { name: 'Find member', exact: true }).click();
        const box = page.getByLabel('Phone, name or card number');
        const rows = page.locator('.find-results .find-row');
        const status = page.locator('.find-status');
        for (const typed of ['0151 0100 0003', '015101000003', '+49 151 01000003', '0049 151 01000003', '+4915101000003']) {
          await box.fill(typed);
          await expect.poll(() => rows.locator('.find-row-name').allInnerTexts(), { message: typed }).toEqual([member.name]);
          await expect.poll(() => status.innerText(), { message: typed }).toContain('1 found');
        }
        // The phone is shown as people write it (the phone library's national format), the tier by its name.
        expect(await rows.first().locator('.find-row-phone').innerText()).toBe('01510 1000003');
        expect(await rows.first().locator('.find-row-tier').innerText()).toMatch(/^[A-Z]/);

        await box.fill(surname.toLowerCase());
        await expect.poll(() => rows.locator('.find-row-name').allInnerTexts()).toContain(member.name);
        await box.fill(`${surname} ${firstName.slice(0, 1)}`);
        await expect.poll(() => rows.locator('.find-row-name').allInnerTexts()).toContain(member.name);
        for (const name of await rows.locator('.find-row-name').allInnerTexts()) {
          expect(name).toContain(surname);
          expect(name.split(' ').some((w) => w.startsWith(firstName.slice(0, 1)))).toBe(true);
        }
        await page.screenshot({ path: join(SHOTS, `find-member-${size(viewport)}.png`) });

        // Every demo phone starts 0151: more than 20, so the list says it shows the first 20.
        await box.fill('0151');
        await expect.poll(() => status.innerText()).toContain('Showing the first 20 members');
        expect(await rows.count()).toBe(20);
        expect(await status.innerText()).not.toContain('20 found');
        expect(await inViewport(page, page.getByRole('button', { name: 'Search', exact: true }))).toBe(true);
      } finally {
        await page.close();
      }
    }, 90_000);
  }
});

describe('enrol', () => {
  for (const viewport of SIZES) {
    it(`at ${size(viewport)}: a phone already on file, typed in another format, is warned about before anything is created`, async () => {
      const page = await open(viewport);
      try {
        await signIn(page, manager);
        await membersArrived(page);
        await page.getByRole('button', { name: 'Enrol', exact: true }).click();
        const count = async () => Number((await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM members'))[0]!.n);
        const before = await count();
        await page.getByLabel('Full name').fill('Robin Twin');
        await page.getByLabel('Phone').fill('0151 0100 0003');
        const warning = page.locator('.enrol-duplicates');
        await warning.getByRole('button', { name: new RegExp(member.name) }).waitFor({ timeout: 5000 });
        expect(await warning.innerText()).toContain('Already a member with this phone or e-mail');
        const submit = page.locator('form').getByRole('button', { name: 'Enrol anyway', exact: true });
        await submit.waitFor();
        expect(await inViewport(page, submit)).toBe(true);
        await page.screenshot({ path: join(SHOTS, `enrol-duplicate-${size(viewport)}.png`) });
        // Nothing was created by typing: not on the server, and the warning came first.
        expect(await count()).toBe(before);
        // Another number: the warning goes and the button is plain Enrol again.
        await page.getByLabel('Phone').fill('0151 0100 9999');
        await page.locator('form').getByRole('button', { name: 'Enrol', exact: true }).waitFor();
        expect(await warning.innerText()).toBe('');
        await page.screenshot({ path: join(SHOTS, `enrol-${size(viewport)}.png`) });
      } finally {
        await page.close();
      }
    }, 90_000);
  }
});

describe('settings and the link to the server', () => {
  for (const viewport of SIZES) {
    it(`at ${size(viewport)}: Settings shows the pairing (store, terminal, server address)`, async () => {
      const page = await open(viewport);
      try {
        await signIn(page, admin);
        await page.getByRole('button', { name: 'Settings', exact: true }).click();
        const pairing = page.locator('.settings-pairing');
        await pairing.waitFor();
        expect(await pairing.innerText()).toContain(DEMO_STORE.name);
        expect(await pairing.innerText()).toContain('e2e');
        expect(await page.locator('.settings-server-url').innerText()).toBe(stack.server.url);
        // The store's formats in words, not codes.
        expect(await page.locator('.settings-figures').first().innerText()).not.toContain('de-DE');
        await page.screenshot({ path: join(SHOTS, `settings-pairing-${size(viewport)}.png`) });
      } finally {
        await page.close();
      }
    }, 60_000);
  }

  it('a terminal that cannot reach its server says so on every screen, sign-in included, at full opacity; the banner goes when it is back', async () => {
    const page = await open(SIZES[0]);
    try {
      await signIn(page, cashier);
      await membersArrived(page);
      await stack.stopServer();
      const banner = page.locator('.server-link-banner');
      await banner.waitFor({ timeout: 20_000 });
      expect(await banner.innerText()).toContain('No connection to the loyalty server');
      // Drawn in full: no ancestor fades it.
      // An expression, not a function: the Node-side typecheck has no DOM (as wedge.test.ts's page script).
      const faded = await page.evaluate<boolean>(
        `(() => { for (let e = document.querySelector('.server-link-banner'); e; e = e.parentElement) if (Number(getComputedStyle(e).opacity) < 1) return true; return false; })()`,
      );
      expect(faded).toBe(false);
      expect(await inViewport(page, banner)).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'offline-banner-checkout-1024x768.png') });
      await page.getByRole('button', { name: 'Find member', exact: true }).click();
      await page.getByLabel('Phone, name or card number').waitFor();
      expect(await banner.isVisible()).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'offline-banner-find-1024x768.png') });
      // The sign-in screen says so too, before anyone signs in (a new window: no session at all).
      const signInPage = await open(SIZES[0]);
      try {
        const signedOut = signInPage.locator('.server-link-banner');
        await signedOut.waitFor({ timeout: 20_000 });
        expect(await signedOut.innerText()).toContain('No connection to the loyalty server');
        expect(await signInPage.locator('.staff-grid').isVisible()).toBe(true);
        await signInPage.screenshot({ path: join(SHOTS, 'offline-banner-sign-in-1024x768.png') });
      } finally {
        await signInPage.close();
      }
      await stack.restartServer();
      await banner.waitFor({ state: 'detached', timeout: 30_000 });
    } finally {
      await stack.restartServer();
      await page.close();
    }
  }, 90_000);
});

describe('in German', () => {
  /** English texts of these screens that differ in German, their placeholders cut out: none may be on a German page. */
  const english = (prefixes: string[]) =>
    (Object.keys(en) as MessageKey[])
      .filter((k) => prefixes.some((p) => k.startsWith(p)) && en[k] !== de[k])
      .flatMap((k) => en[k].split(/\{\w+\}/))
      .map((part) => part.trim())
      .filter((part) => part.length >= 8);
  const noEnglish = async (page: Page, prefixes: string[]) => {
    const text = await page.locator('body').innerText();
    expect(english(prefixes).filter((phrase) => text.includes(phrase))).toEqual([]);
  };

  it('sign-in, find member and enrol say everything in German; "Anmelden" is only signing in', async () => {
    const page = await open(SIZES[0]);
    try {
      await page.getByLabel('Language').selectOption('de');
      await page.getByRole('heading', { name: 'Anmeldung' }).waitFor();
      await page.locator('.staff-button', { hasText: manager.name }).click();
      await noEnglish(page, ['signIn.', 'role.', 'numericPad.']);
      await page.screenshot({ path: join(SHOTS, 'sign-in-de-1024x768.png') });
      for (const digit of manager.pin)
        await page.getByRole('group', { name: 'PIN-Tastatur' }).getByRole('button', { name: digit, exact: true }).click();
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await page.locator('.topbar .staff-name', { hasText: manager.name }).waitFor();
      await membersArrived(page);

      await page.getByRole('button', { name: 'Mitglied suchen', exact: true }).click();
      await page.getByLabel('Telefon, Name oder Kartennummer').fill('0151');
      await expect.poll(() => page.locator('.find-status').innerText()).toContain('Die ersten 20 Mitglieder');
      await noEnglish(page, ['find.', 'link.', 'nav.']);
      await page.screenshot({ path: join(SHOTS, 'find-member-de-1024x768.png') });

      // Enrolment is "Registrieren", never "Anmelden".
      await page.getByRole('button', { name: 'Registrieren', exact: true }).click();
      await page.getByRole('heading', { name: /registrieren$/ }).waitFor();
      await page.getByLabel('Telefon').fill('+49 151 01000003');
      await page.locator('form').getByRole('button', { name: 'Trotzdem registrieren', exact: true }).waitFor();
      expect(await page.locator('main').innerText()).not.toContain('Anmelden');
      await noEnglish(page, ['enrol.', 'nav.']);
      await page.screenshot({ path: join(SHOTS, 'enrol-de-1024x768.png') });
    } finally {
      await page.close();
    }
  }, 90_000);
});
