import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BackendEvent, Request, Response } from '../../shared/api.ts';
import { startBackendProcess, type BackendProcess } from './backend-process.ts';
import { API_PROTOCOL, checkHost, checkOrigin, checkToken, type Refusal } from './request-guard.ts';
import { serveStatic } from './static-files.ts';

/**
 * The terminal for a browser: the built renderer over HTTP and the API
 * envelope over a WebSocket, on 127.0.0.1 only, for terminals without
 * Electron, for development and for the end-to-end tests. The backend runs in
 * its own process exactly as under Electron.
 */
export interface BrowserHostOptions {
  /** The built renderer (vite build's output). */
  rendererDir: string;
  backendEntry: string;
  backendEnv: Record<string, string>;
  /** 0 (default) picks a free port. */
  port?: number;
  onLog?(line: string): void;
}

export interface BrowserHost {
  /** Open this: the token rides in the fragment, which browsers never send to a server. */
  url: string;
  /** The customer-facing display (a second screen turned to the customer), with the same launch token. */
  customerUrl: string;
  origin: string;
  port: number;
  token: string;
  backend: BackendProcess;
  close(): Promise<void>;
}

/** The customer display's address: its page of the build (renderer/customer-display/). */
export const CUSTOMER_PATH = '/customer';
const CUSTOMER_PAGE = '/customer-display/index.html';

/** `/customer` is the customer display's page; its assets resolve from the root as the cashier's do. */
export function staticPath(url: string): string {
  const path = url.split(/[?#]/)[0];
  return path === CUSTOMER_PATH || path === `${CUSTOMER_PATH}/` ? CUSTOMER_PAGE : url;
}

/** One API message is small; a megabyte is far above any and stops a page from ballooning the host. */
const MAX_MESSAGE_BYTES = 1 << 20;

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = randomBytes(32).toString('base64url');
  const sockets = new Map<number, WebSocket>();
  let nextConn = 1;
  let port = 0;

  const sendTo = (socket: WebSocket | undefined, message: { response: Response } | { event: BackendEvent }) => {
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const backend = startBackendProcess({
    entry: options.backendEntry,
    env: options.backendEnv,
    onReply: (conn, response) => sendTo(sockets.get(conn), { response }),
    onEvent: (event) => {
      for (const socket of sockets.values()) sendTo(socket, { event });
    },
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });

  const server = createServer((req, res) => {
    const refused = checkHost(req.headers.host, port);
    if (refused) res.writeHead(refused.status, { 'Content-Type': 'text/plain' }).end(refused.reason);
    else serveStatic(options.rendererDir, port, req, res, staticPath(req.url ?? '/'));
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (offered) => (offered.has(API_PROTOCOL) ? API_PROTOCOL : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused: Refusal | null =
      (new URL(req.url ?? '/', 'http://x').pathname === '/api' ? null : { status: 400, reason: 'not an API path' }) ??
      checkHost(req.headers.host, port) ??
      checkOrigin(req.headers.origin, port) ??
      checkToken(req.headers['sec-websocket-protocol'], token);
    if (refused) {
      options.onLog?.(JSON.stringify({ level: 'warn', event: 'browser_host.refused', status: refused.status, cause: refused.reason }));
      socket.end(`HTTP/1.1 ${refused.status} ${refused.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = nextConn++;
      sockets.set(conn, ws);
      ws.on('message', (data) => {
        let request: Request;
        try {
          request = JSON.parse(data.toString()) as Request;
        } catch {
          sendTo(ws, { response: { id: -1, ok: false, error: { code: 'VALIDATION', message: 'The message was not JSON.' } } });
          return;
        }
        backend.call(conn, request);
      });
      ws.on('close', () => sockets.delete(conn));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  await backend.ready();
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    customerUrl: `${origin}${CUSTOMER_PATH}#token=${token}`,
    origin,
    port,
    token,
    backend,
    async close() {
      for (const socket of sockets.values()) socket.close(1001, 'host closing');
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await backend.stop();
    },
  };
}
