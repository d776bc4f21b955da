import type { Session, WebContents, WebPreferences } from 'electron';
import { isAppUrl } from './app-origin.ts';

/**
 * The Electron security checklist as code: a locked-down renderer, no
 * navigation or new windows, no webviews, and no permission but the camera
 * for our own page. Small pure decisions, installed on the real objects by
 * the functions below.
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

interface PermissionDetails {
  requestingUrl?: string;
  mediaTypes?: string[];
}

/** A permission request: only 'media' for video (the camera scanner), only from app://terminal. */
export function allowPermissionRequest(permission: string, details: PermissionDetails): boolean {
  if (permission !== 'media' || !isAppUrl(details.requestingUrl)) return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'video');
}

/** A permission check (navigator.permissions, enumerateDevices): the same rule. */
export function allowPermissionCheck(
  permission: string,
  requestingOrigin: string,
  details: { mediaType?: string; securityOrigin?: string },
): boolean {
  return (
    permission === 'media' &&
    isAppUrl(requestingOrigin) &&
    (details.securityOrigin === undefined || isAppUrl(details.securityOrigin)) &&
    details.mediaType === 'video'
  );
}

export function installPermissionHandlers(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowPermissionRequest(permission, details as PermissionDetails)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    allowPermissionCheck(permission, requestingOrigin, details as { mediaType?: string; securityOrigin?: string }),
  );
  // No WebUSB/WebHID/WebSerial for pages: the serial scanner belongs to the backend.
  session.setDevicePermissionHandler(() => false);
}

/**
 * Defence in depth: the app:// handler already sends the CSP on every answer;
 * this adds it to any other response the session sees, so nothing loaded by
 * any path runs without it.
 */
export function installCspHeaders(session: { webRequest: Pick<Session['webRequest'], 'onHeadersReceived'> }, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Every web contents the app creates: no navigation anywhere (the app is one
 * page; a reload is not a navigation), no redirects, no new windows, no
 * webviews. Nothing is ever handed to shell.openExternal: the app has no
 * external links, so no page text can make it open one.
 */
export function guardWebContents(contents: GuardedContents, onBlocked: (what: string, url: string) => void = () => {}): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    onBlocked('navigation', url);
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    onBlocked('redirect', url);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    onBlocked('webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    onBlocked('new-window', url);
    return { action: 'deny' };
  });
}

/** An IPC message is trusted only from the top frame of our own page (not an iframe, not another origin). */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
}
