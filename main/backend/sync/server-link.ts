/**
 * The authenticated link to the central server: the device credentials,
 * opened once from their sealed copy in the database and cached, and the HTTP
 * client that signs every request with them. Pairing replaces the
 * credentials, so the link forgets both and opens the new ones on next use.
 */
import type { Logger } from '../platform/logging.ts';
import type { TerminalDb } from '../store/connection.ts';
import type { DeviceKeySource, SyncCredentials } from './credentials.ts';
import { SyncHttpClient } from './http-client.ts';
import { loadCredentials } from './pair.ts';

export interface ServerLinkOptions {
  store: TerminalDb;
  keySource: DeviceKeySource;
  log: Logger;
  requestTimeoutMs: number;
  now: () => number;
}

export interface Pairing {
  serverUrl: string;
  storeId: string;
  storeName: string | null;
  terminalId: string;
  terminalName: string | null;
}

export class ServerLink {
  /** undefined = not read yet; null = never paired (or unreadable, logged once). */
  private credentials: SyncCredentials | null | undefined;
  private http: SyncHttpClient | null = null;

  constructor(private readonly options: ServerLinkOptions) {}

  get paired(): boolean {
    return this.creds() !== null;
  }

  /** What Settings shows of the pairing: the server's address, the store and this terminal; never the secret. */
  pairing(): Pairing | null {
    const c = this.creds();
    return c === null
      ? null
      : {
          serverUrl: c.serverUrl,
          storeId: c.storeId,
          storeName: c.storeName ?? null,
          terminalId: c.terminalId,
          terminalName: c.terminalName ?? null,
        };
  }

  /** The signing client, or null when the terminal is not paired. */
  client(): SyncHttpClient | null {
    const c = this.creds();
    if (c === null) return null;
    this.http ??= new SyncHttpClient({
      serverUrl: c.serverUrl,
      caPem: c.caPem,
      auth: { terminalId: c.terminalId, secret: c.secret },
      timeoutMs: this.options.requestTimeoutMs,
      now: this.options.now,
    });
    return this.http;
  }

  /** New credentials were stored (pairing): read them again on next use. */
  forget(): void {
    this.credentials = undefined;
    this.close();
  }

  /** Closes the client's connections; the next request opens new ones. */
  close(): void {
    this.http?.close();
    this.http = null;
  }

  private creds(): SyncCredentials | null {
    if (this.credentials === undefined) {
      try {
        this.credentials = loadCredentials(this.options.store, this.options.keySource);
      } catch (error) {
        this.options.log.log('error', 'sync.credentials.unreadable', { error: error instanceof Error ? error.message : 'unknown' });
        this.credentials = null;
      }
    }
    return this.credentials;
  }
}
