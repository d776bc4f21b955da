/**
 * Moves a terminal paired before device keys (its credentials hold only the
 * HMAC secret of protocol version 1) to its own Ed25519 device key, on its next
 * sync and without anyone touching it:
 *
 * 1. make a key pair and seal it in the credentials beside the secret, BEFORE
 *    sending anything (the secret still signs);
 * 2. POST /v1/device-key with the public key, signed with the secret; the
 *    server stores the key and forgets its HMAC key in one transaction;
 * 3. reseal the credentials with the device key only (the secret is dropped).
 *
 * Crash-safe: after a crash between 2 and 3 the credentials still hold the
 * same pair, so the next attempt sends the same public key; the server no
 * longer takes the secret (401 device_key_registered), so the request is sent
 * again signed with the device key itself, which the server answers the same
 * (registering the same key again is idempotent). Never logs a key or the secret.
 */
import { deviceKeyResponseSchema } from '../../../shared/sync-protocol.ts';
import type { Logger } from '../platform/logging.ts';
import { writeTransaction, type TerminalDb } from '../store/connection.ts';
import { saveSealedCredentials } from '../store/sync-state.ts';
import { sealCredentials, type DeviceKeySource, type SyncCredentials } from './credentials.ts';
import { SyncFailure } from './failure.ts';
import type { SyncHttpClient } from './http-client.ts';
import { devicePublicKeyOf, newDeviceKeyPair } from './request-signer.ts';

export interface DeviceKeyDeps {
  store: TerminalDb;
  keySource: DeviceKeySource;
  log: Logger;
  client: SyncHttpClient;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Test seam: called after the server's answer, before the reseal (a crash there must heal). */
  afterAnswer?: (() => void) | undefined;
}

export type DeviceKeyOutcome =
  /** Nothing to do: the credentials hold no secret. */
  | { kind: 'unchanged' }
  /** Registered: these credentials (device key only) are sealed now. */
  | { kind: 'registered'; credentials: SyncCredentials }
  /** The server does not know the route (protocol version 1): keep signing with the secret. */
  | { kind: 'unsupported'; credentials: SyncCredentials };

export async function ensureDeviceKey(deps: DeviceKeyDeps, credentials: SyncCredentials): Promise<DeviceKeyOutcome> {
  const { secret } = credentials;
  if (secret === undefined) return { kind: 'unchanged' };
  let pending = credentials;
  if (pending.signingKey === undefined) {
    pending = { ...credentials, signingKey: newDeviceKeyPair().signingKey };
    seal(deps, pending);
  }
  const signingKey = pending.signingKey!;
  const publicKey = devicePublicKeyOf(signingKey);
  const send = (auth: { terminalId: string; secret: string } | { terminalId: string; signingKey: string }) =>
    deps.client.post('/v1/device-key', { publicKey }, deviceKeyResponseSchema, {
      auth,
      ...(deps.signal === undefined ? {} : { signal: deps.signal }),
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
    });
  let answer;
  try {
    answer = await send({ terminalId: credentials.terminalId, secret });
  } catch (error) {
    if (!(error instanceof SyncFailure) || error.kind !== 'http') throw error;
    if (error.status === 404) {
      deps.log.log('info', 'sync.device_key.unsupported', { terminalId: credentials.terminalId });
      return { kind: 'unsupported', credentials: pending };
    }
    // Registered before, and the answer was lost: the device key itself signs now.
    if (error.status === 401 && error.details?.reason === 'device_key_registered')
      answer = await send({ terminalId: credentials.terminalId, signingKey });
    else throw error;
  }
  if (answer.publicKey !== publicKey) throw new SyncFailure('invalid_response', 'the server registered another device key');
  deps.afterAnswer?.();
  const registered: SyncCredentials = { ...pending };
  delete registered.secret;
  seal(deps, registered);
  deps.log.log('info', 'sync.device_key.registered', { terminalId: credentials.terminalId, protocolVersion: 2 });
  return { kind: 'registered', credentials: registered };
}

function seal(deps: DeviceKeyDeps, credentials: SyncCredentials): void {
  const key = deps.keySource();
  writeTransaction(deps.store, (db) => saveSealedCredentials(db, sealCredentials(credentials, key)));
}
