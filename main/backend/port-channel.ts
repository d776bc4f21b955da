import type { Request } from '../../shared/api.ts';
import type { BackendMessage, HostChannel } from './message-loop.ts';

/**
 * The backend's link under Electron (Actual Budget's pattern): the shell
 * hands over one MessagePort per window (`{kind: 'connect', conn}` with the
 * port attached), and that window's calls and replies travel on it directly,
 * never through the main process. Lifecycle messages (ready, stopped,
 * shutdown) stay on the parent port.
 */
export interface PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

export interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports?: PortLike[] }) => void): void;
  postMessage(message: unknown): void;
}

export function portChannel(parent: ParentPortLike): HostChannel {
  const ports = new Map<number, PortLike>();
  const listeners: ((message: unknown) => void)[] = [];
  const deliver = (message: unknown) => {
    for (const l of listeners) l(message);
  };
  parent.on('message', (e) => {
    const data = e.data as { kind?: unknown; conn?: unknown } | null;
    const port = e.ports?.[0];
    if (data?.kind === 'connect' && typeof data.conn === 'number' && port) {
      const conn = data.conn;
      ports.get(conn)?.close();
      ports.set(conn, port);
      port.on('message', (m) => deliver({ kind: 'call', conn, request: m.data as Request }));
      port.on('close', () => {
        if (ports.get(conn) === port) ports.delete(conn);
      });
      port.start();
      return;
    }
    deliver(e.data);
  });
  return {
    onMessage: (listener) => void listeners.push(listener),
    post(message: BackendMessage) {
      if (message.kind === 'reply') ports.get(message.conn)?.postMessage({ response: message.response });
      else if (message.kind === 'event') for (const port of ports.values()) port.postMessage({ event: message.event });
      else parent.postMessage(message);
    },
  };
}
