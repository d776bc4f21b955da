/**
 * Pairing: make an Ed25519 device key pair, trade a one-time code and the
 * public key for the terminal's identity (POST /v1/pair), seal the private key
 * in the credentials with the device key source, and keep the programme's
 * public keys. Headless, so the command line (`--pair CODE --server URL --ca
 * FILE`) reuses it. Never logs the code or a key.
 */
import { hostname } from 'node:os';
import { AppError } from '../../../shared/errors.ts';
import { pairResponseSchema } from '../../../shared/sync-protocol.ts';
import type { Logger } from '../platform/logging.ts';
import { writeTransaction, type TerminalDb } from '../store/connection.ts';
import { upsertTokenKey } from '../store/member-token-keys.ts';
import { resetPullCursor, saveSealedCredentials, sealedCredentials } from '../store/sync-state.ts';
import { openCredentials, sealCredentials, type DeviceKeySource, type SyncCredentials } from './credentials.ts';
import { SyncFailure } from './failure.ts';
import { SyncHttpClient } from './http-client.ts';
import { newDeviceKeyPair } from './request-signer.ts';
import { loggableOrigin, requireAllowedServerUrl, transportVerdict } from './transport-policy.ts';

export interface PairInput {
  serverUrl: string;
  code: string;
  terminalName?: string | undefined;
  caPem?: string | null | undefined;
}

export interface PairResult {
  terminalId: string;
  storeId: string;
  storeName: string;
}

export async function pairTerminal(
  store: TerminalDb,
  input: PairInput,
  deps: { keySource: DeviceKeySource; now: () => number; log: Logger; timeoutMs?: number; allowInsecureHttp?: boolean },
): Promise<PairResult> {
  // Before anything else: a refused address must not see the one-time code.
  requireAllowedServerUrl(input.serverUrl, deps.allowInsecureHttp ?? false);
  if (transportVerdict(input.serverUrl, deps.allowInsecureHttp ?? false).kind === 'insecure-allowed')
    deps.log.log('warn', 'sync.insecure_http', {
      server: loggableOrigin(input.serverUrl),
      setting: 'sync.allowInsecureHttp',
      unencrypted: true,
    });
  const key = deps.keySource(); // fail before spending the one-time code if the key cannot be made
  const client = new SyncHttpClient({
    serverUrl: input.serverUrl,
    caPem: input.caPem ?? null,
    timeoutMs: deps.timeoutMs ?? 15_000,
    allowInsecureHttp: deps.allowInsecureHttp ?? false,
  });
  let answer;
  const terminalName = (input.terminalName ?? hostname()).slice(0, 80) || 'terminal';
  // The private half stays here; the server keeps only the public key.
  const keyPair = newDeviceKeyPair();
  try {
    answer = await client.post('/v1/pair', { code: input.code, terminalName, publicKey: keyPair.publicKey }, pairResponseSchema);
  } catch (error) {
    throw pairingError(error);
  } finally {
    client.close();
  }
  const credentials: SyncCredentials = {
    serverUrl: input.serverUrl,
    terminalId: answer.terminalId,
    storeId: answer.storeId,
    // A server of protocol version 1 ignores the key and gives a secret instead: sign with that
    // until the server can take the key (device-key.ts registers a new pair then).
    ...(answer.secret === undefined ? { signingKey: keyPair.signingKey } : { secret: answer.secret }),
    caPem: input.caPem ?? null,
    storeName: answer.store.name,
    terminalName,
  };
  const now = deps.now();
  writeTransaction(store, (db) => {
    saveSealedCredentials(db, sealCredentials(credentials, key));
    // Another server (or a fresh pairing) has its own change sequence: pull from the start.
    resetPullCursor(db);
    for (const k of answer.publicKeys)
      upsertTokenKey(db, { keyId: k.kid, publicKey: Buffer.from(k.publicKey, 'base64url'), revokedAt: k.revoked ? now : null, now });
  });
  deps.log.log('info', 'sync.paired', {
    terminalId: answer.terminalId,
    storeId: answer.storeId,
    keys: answer.publicKeys.length,
    protocolVersion: answer.secret === undefined ? 2 : 1,
  });
  return { terminalId: answer.terminalId, storeId: answer.storeId, storeName: answer.store.name };
}

/** The stored credentials, or null when the terminal was never paired. */
export function loadCredentials(store: TerminalDb, keySource: DeviceKeySource): SyncCredentials | null {
  const sealed = sealedCredentials(store.db);
  return sealed === undefined ? null : openCredentials(sealed, keySource());
}

function pairingError(error: unknown): AppError {
  if (!(error instanceof SyncFailure)) return new AppError('INTERNAL', 'Pairing failed. Nothing was saved: try again.');
  if (error.kind === 'http' && error.status === 401) {
    return new AppError('VALIDATION', error.message, {
      reason: typeof error.details?.reason === 'string' ? error.details.reason : 'unauthenticated',
    });
  }
  if (error.kind === 'http')
    return new AppError('VALIDATION', `The server refused the pairing: ${error.message}`, { status: error.status, code: error.code });
  if (error.kind === 'tls')
    return new AppError(
      'VALIDATION',
      `The server's certificate is not trusted (${error.message}). Give the CA certificate of an on-premise server.`,
      { reason: 'tls' },
    );
  return new AppError(
    'INTERNAL',
    `The loyalty server could not be reached (${error.kind}: ${error.message}). Check the address and the network, then try again.`,
    { reason: error.kind },
  );
}
