import type { BackendEvent, Request, Response } from './api.ts';

/**
 * What the Electron preload exposes to the page as `window.loyalty`: the typed
 * call/event bridge and nothing else (no ipcRenderer, no Node).
 */
export interface LoyaltyBridge {
  call(request: Request): Promise<Response>;
  /** Returns the unsubscribe function. */
  on(listener: (event: BackendEvent) => void): () => void;
}

/** The IPC channels between preload and main: the page asks for a port; main answers with one. */
export const BRIDGE_CONNECT_CHANNEL = 'loyalty:connect';
export const BRIDGE_PORT_CHANNEL = 'loyalty:port';
