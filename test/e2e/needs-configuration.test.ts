import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/host.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { BACKEND_ENTRY, buildRenderer, ROOT } from '../helpers/renderer-build.ts';
import { tempDir } from '../helpers/terminal.ts';

/** A terminal whose configuration file is wrong shows IT what to fix, and offers no sign-in. */
let dir: { path: string; remove(): void };
let rendererDir: string;
let host: BrowserHost;
const problems = [{ source: '/etc/loyalty-terminal/config.json', field: 'server.url', message: 'Invalid URL' }];

beforeAll(async () => {
  dir = tempDir('needs-config-');
  rendererDir = await buildRenderer();
  host = await startBrowserHost({
    rendererDir,
    backendEntry: BACKEND_ENTRY,
    backendEnv: { LT_DB_PATH: join(dir.path, 'never-opened.sqlite'), LT_STORE_ID: 'x', LT_NEEDS_CONFIG: JSON.stringify(problems) },
    onLog: () => {},
  });
}, 60_000);
afterAll(async () => {
  await host?.close();
  if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
  dir?.remove();
});

it('shows the file, the field and the problem instead of the sign-in screen', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(host.url);
    await page.getByRole('heading', { name: 'This terminal needs configuration' }).waitFor();
    const text = await page.locator('main').textContent();
    expect(text).toContain('/etc/loyalty-terminal/config.json');
    expect(text).toContain('server.url');
    expect(text).toContain('Invalid URL');
    expect(await page.getByLabel('Staff ID').count()).toBe(0);
    await page.screenshot({ path: join(ROOT, 'test/artifacts/screenshots/needs-configuration.png') });
  } finally {
    await browser.close();
  }
}, 60_000);
