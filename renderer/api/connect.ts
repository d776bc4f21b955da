import { connectElectron, electronBridge } from './electron-transport.ts';
import { connectWebSocket, type HostConnection } from './ws-transport.ts';

/**
 * How this page reaches its backend: the Electron preload's bridge when
 * present (electron-transport.ts), else the browser host's WebSocket. Under the browser host the launch token
 * arrives in the URL fragment (never sent to any server); it is moved to
 * session storage at once so it leaves the address bar and survives a reload
 * of this tab only.
 */
const TOKEN_KEY = 'loyalty-terminal.host-token';

export class NoHostError extends Error {
  constructor() {
    super('This page was opened without its launch token. Open the address the terminal printed when it started.');
    this.name = 'NoHostError';
  }
}

export function connectToHost(location: Location = window.location): HostConnection {
  // Under the Electron shell the preload's bridge is the transport (no token, no socket).
  const bridge = electronBridge();
  if (bridge) return connectElectron(bridge);
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = fromHash ?? sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new NoHostError();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return connectWebSocket(`${scheme}://${location.host}/api`, token);
}
