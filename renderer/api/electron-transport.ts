import type { LoyaltyBridge } from '../../shared/bridge.ts';
import type { ConnectionState, HostConnection } from './ws-transport.ts';

/**
 * The Electron shell's transport: the preload's `window.loyalty` bridge, a
 * MessagePort straight to the backend process. It is always 'open' from the
 * page's point of view: the bridge queues calls until its port arrives and
 * answers calls cut off by a backend restart with an error itself.
 */
declare global {
  interface Window {
    loyalty?: LoyaltyBridge;
  }
}

export function electronBridge(): LoyaltyBridge | null {
  return typeof window !== 'undefined' && window.loyalty ? window.loyalty : null;
}

export function connectElectron(bridge: LoyaltyBridge): HostConnection {
  const state: ConnectionState = 'open';
  return {
    send: (request) => bridge.call(request),
    onEvent: (listener) => bridge.on(listener),
    onState: () => () => {},
    get state() {
      return state;
    },
    close() {},
  };
}
