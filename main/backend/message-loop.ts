import type { BackendEvent, Request, Response } from '../../shared/api.ts';

/**
 * The messages between a host (the Electron shell, the browser host) and the
 * backend process. One loop serves both: a host may carry several screens
 * (browser tabs), so each call names its connection and the reply goes back
 * to it; events go to every screen.
 */
export type HostMessage = { kind: 'call'; conn: number; request: Request } | { kind: 'shutdown' };
export type BackendMessage =
  | { kind: 'ready'; pid: number }
  | { kind: 'reply'; conn: number; response: Response }
  | { kind: 'event'; event: BackendEvent }
  | { kind: 'stopped' };

/** The process's link to its host: Electron's parentPort or Node's IPC channel. */
export interface HostChannel {
  onMessage(listener: (message: unknown) => void): void;
  post(message: BackendMessage): void;
}

export interface MessageLoop {
  emit(event: BackendEvent): void;
}

export function runMessageLoop(
  channel: HostChannel,
  dispatch: (request: Request) => Response | Promise<Response>,
  onShutdown: () => void,
): MessageLoop {
  channel.onMessage((raw) => {
    const message = raw as Partial<HostMessage> | null;
    if (message?.kind === 'shutdown') return onShutdown();
    if (message?.kind !== 'call' || typeof message.conn !== 'number') return;
    const { conn } = message;
    // The dispatcher validates the envelope itself: a malformed request gets a typed error reply.
    const request = message.request as Request;
    // A command may be asynchronous (sync holds wait on the network); replies go out as each finishes.
    void Promise.resolve()
      .then(() => dispatch(request))
      .then((response) => channel.post({ kind: 'reply', conn, response }));
  });
  return { emit: (event) => channel.post({ kind: 'event', event }) };
}
