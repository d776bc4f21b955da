import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { APP_START_URL } from './app-origin.ts';
import { secureWebPreferences } from './security.ts';

/** The one window: kiosk or full screen as configured, shown when painted (no white flash). */
export function mainWindowOptions(options: { preload: string; kiosk: boolean; fullscreen: boolean }): BrowserWindowConstructorOptions {
  return {
    show: false,
    kiosk: options.kiosk,
    fullscreen: options.kiosk || options.fullscreen,
    width: 1280,
    height: 800,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    title: 'Loyalty Terminal',
    webPreferences: secureWebPreferences(options.preload),
  };
}

export function createMainWindow(
  Window: new (options: BrowserWindowConstructorOptions) => BrowserWindow,
  options: { preload: string; kiosk: boolean; fullscreen: boolean },
): BrowserWindow {
  const window = new Window(mainWindowOptions(options));
  window.removeMenu();
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_START_URL);
  return window;
}
