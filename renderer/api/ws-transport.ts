import type { BackendEvent, Request, Response } from '../../shared/api.ts';
import type { Transport } from './client.ts';

/**
 * The browser host's transport: the API envelope over a WebSocket on
 * loopback. The launch token rides as a subprotocol (never in a URL). The
 * socket reconnects by itself; a call cut off by a lost connection gets a
 * typed error, never silence, so the cashier is never left wondering.
 */
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface HostConnection extends Transport {
  onEvent(listener: (event: BackendEvent) => void): () => void;
  onState(listener: (state: ConnectionState) => void): () => void;
  readonly state: ConnectionState;
  close(): void;
}

const API_PROTOCOL = 'loyalty-terminal.v1';
const RECONNECT_MAX_MS = 5_000;
/** A call waits this long for the socket to come back before it is answered with an error. */
const SEND_WAIT_MS = 10_000;

export function connectWebSocket(url: string, token: string): HostConnection {
  const pending = new Map<number, (response: Response) => void>();
  const eventListeners = new Set<(event: BackendEvent) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const waiting = new Set<() => void>();
  let socket: WebSocket;
  let state: ConnectionState = 'connecting';
  let retryMs = 100;
  let closedByUs = false;

  const setState = (next: ConnectionState) => {
    state = next;
    for (const l of stateListeners) l(next);
    if (next === 'open') for (const w of [...waiting]) w();
  };

  const open = () => {
    setState('connecting');
    socket = new WebSocket(url, [API_PROTOCOL, `token.${token}`]);
    socket.onopen = () => {
      retryMs = 100;
      setState('open');
    };
    socket.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as { response?: Response; event?: BackendEvent };
      if (data.response) {
        pending.get(data.response.id)?.(data.response);
        pending.delete(data.response.id);
      } else if (data.event) {
        for (const l of eventListeners) l(data.event);
      }
    };
    socket.onclose = () => {
      for (const [id, resolve] of pending) resolve(lost(id));
      pending.clear();
      setState('closed');
      if (!closedByUs) setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
    };
  };
  open();

  const whenOpen = () =>
    new Promise<boolean>((resolve) => {
      if (state === 'open') return resolve(true);
      const done = (ok: boolean) => {
        waiting.delete(onOpen);
        clearTimeout(timer);
        resolve(ok);
      };
      const onOpen = () => done(true);
      const timer = setTimeout(() => done(false), SEND_WAIT_MS);
      waiting.add(onOpen);
    });

  return {
    async send(request: Request): Promise<Response> {
      if (!(await whenOpen())) return lost(request.id);
      return new Promise((resolve) => {
        pending.set(request.id, resolve);
        socket.send(JSON.stringify(request));
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    get state() {
      return state;
    },
    close() {
      closedByUs = true;
      socket.close();
    },
  };
}

function lost(id: number): Response {
  return {
    id,
    ok: false,
    error: {
      code: 'INTERNAL',
      message: 'Lost contact with the terminal. Check the last sale on screen, then try again: a retry never doubles it.',
    },
  };
}
