/**
 * The authenticated link to the central server: the device credentials,
 * opened once from their sealed copy in the database and cached, and the HTTP
 * client that signs every request with them. Pairing replaces the
 * credentials, so the link forgets both and opens the new ones on next use.
 * A pairing made before device keys (an HMAC secret only) moves to a device
 * key on the next round (upgradeSigning, device-key.ts).
 */
import { createPrivateKey } from 'node:crypto';
import type { Logger } from '../platform/logging.ts';
import type { TerminalDb } from '../store/connection.ts';
import type { DeviceKeySource, SyncCredentials } from './credentials.ts';
import { ensureDeviceKey } from './device-key.ts';
import { SyncHttpClient } from './http-client.ts';
import { loadCredentials } from './pair.ts';
import type { RequestAuth } from './request-signer.ts';

/** After a server answered that it has no device-key route (protocol version 1), ask again after this long. */
const UNSUPPORTED_RETRY_MS = 60 * 60_000;

export interface ServerLinkOptions {
  store: TerminalDb;
  keySource: DeviceKeySource;
  log: Logger;
  requestTimeoutMs: number;
  now: () => number;
  /** Plain http:// to a server that is not this machine (sync.allowInsecureHttp); refused when false (transport-policy.ts). */
  allowInsecureHttp?: boolean;
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
  private deviceKeyUnsupportedUntil = -Infinity;
  /** Clients replaced by upgradeSigning, closed once their requests had time to finish (or at close()). */
  private readonly retired = new Set<SyncHttpClient>();

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
      auth: requestAuth(c),
      timeoutMs: this.options.requestTimeoutMs,
      now: this.options.now,
      allowInsecureHttp: this.options.allowInsecureHttp ?? false,
    });
    return this.http;
  }

  /**
   * A pairing made before device keys registers one now (device-key.ts); the
   * client to sign the rest of the round with, or null when not paired. Failures
   * of the registration throw as any request's do (the round fails and retries).
   */
  async upgradeSigning(
    options: { signal?: AbortSignal; timeoutMs?: number; afterAnswer?: () => void } = {},
  ): Promise<SyncHttpClient | null> {
    const c = this.creds();
    const client = this.client();
    if (c === null || client === null || c.secret === undefined || this.options.now() < this.deviceKeyUnsupportedUntil) return client;
    const outcome = await ensureDeviceKey(
      { store: this.options.store, keySource: this.options.keySource, log: this.options.log, client, ...options },
      c,
    );
    if (outcome.kind === 'unchanged') return client;
    if (outcome.kind === 'unsupported') this.deviceKeyUnsupportedUntil = this.options.now() + UNSUPPORTED_RETRY_MS;
    // The credentials now hold the key pair (and, once registered, no secret): sign with what they say.
    // The old client is closed a little later, so a hold or token request already on it can finish.
    const old = this.http;
    this.http = null;
    if (old !== null) {
      this.retired.add(old);
      setTimeout(() => {
        old.close();
        this.retired.delete(old);
      }, this.options.requestTimeoutMs).unref();
    }
    this.credentials = outcome.credentials;
    return this.client();
  }

  /** New credentials were stored (pairing): read them again on next use. */
  forget(): void {
    this.credentials = undefined;
    this.deviceKeyUnsupportedUntil = -Infinity;
    this.close();
  }

  /** Closes the client's connections; the next request opens new ones. */
  close(): void {
    this.http?.close();
    this.http = null;
    for (const old of this.retired) old.close();
    this.retired.clear();
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

/** The secret signs while the credentials hold one (a version-1 pairing, or a device key not yet registered); else the device key. */
function requestAuth(c: SyncCredentials): RequestAuth {
  if (c.secret !== undefined) return { terminalId: c.terminalId, secret: c.secret };
  return {
    terminalId: c.terminalId,
    signingKey: createPrivateKey({ key: Buffer.from(c.signingKey!, 'base64url'), format: 'der', type: 'pkcs8' }),
  };
}
