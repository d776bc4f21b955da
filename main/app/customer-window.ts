import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { APP_ORIGIN } from './app-origin.ts';
import { secureWebPreferences } from './security.ts';

/**
 * The customer-facing display under Electron: a second window, full screen on
 * a screen other than the cashier's, showing renderer/customer-display/. It
 * takes no focus (the cashier's keys and the wedge scanner stay on the till's
 * window) and talks to the backend through the same preload and port as any
 * window of the app (renderer-link.ts). Opened when display.customerScreen is
 * 'auto' and a second screen is attached.
 */
export const CUSTOMER_DISPLAY_URL = `${APP_ORIGIN}/customer-display/index.html`;

export interface ScreenLike {
  id: number;
  bounds: Rectangle;
}

/** The first screen that is not the cashier's (the primary one), or null with one screen. */
export function customerScreen(screens: readonly ScreenLike[], primaryId: number): ScreenLike | null {
  return screens.find((s) => s.id !== primaryId) ?? null;
}

export function customerWindowOptions(options: { preload: string; bounds: Rectangle }): BrowserWindowConstructorOptions {
  const { x, y, width, height } = options.bounds;
  return {
    show: false,
    x,
    y,
    width,
    height,
    fullscreen: true,
    frame: false,
    focusable: false,
    autoHideMenuBar: true,
    backgroundColor: '#f4f6fb',
    title: 'Customer display',
    webPreferences: secureWebPreferences(options.preload),
  };
}

export function openCustomerWindow(
  Window: new (options: BrowserWindowConstructorOptions) => BrowserWindow,
  screens: { all: readonly ScreenLike[]; primaryId: number },
  preload: string,
): BrowserWindow | null {
  const target = customerScreen(screens.all, screens.primaryId);
  if (target === null) return null;
  const window = new Window(customerWindowOptions({ preload, bounds: target.bounds }));
  window.removeMenu();
  window.once('ready-to-show', () => window.showInactive());
  void window.loadURL(CUSTOMER_DISPLAY_URL);
  return window;
}
