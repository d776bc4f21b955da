/**
 * POST /v1/device-key: a terminal paired with an HMAC secret (protocol version 1)
 * registers its Ed25519 device public key. The key is stored and the HMAC key
 * cleared in one transaction, so from then on only the device key signs for the
 * terminal and a copy of the database holds nothing that signs as it. Sending
 * the key the server already has (the terminal lost the first answer) answers
 * the same again; another key is a CONFLICT (a device key is never replaced:
 * pair again).
 */
import type { DeviceKeyRequest, DeviceKeyResponse } from '../../shared/sync-protocol.ts';
import { HttpError } from '../http/errors.ts';
import type { Db } from '../store/db.ts';
import { devicePublicKey, type AuthenticatedTerminal } from './verify-request.ts';

export async function registerDeviceKey(
  db: Db,
  terminal: AuthenticatedTerminal,
  req: DeviceKeyRequest,
  now: number,
): Promise<DeviceKeyResponse> {
  const raw = decodeDevicePublicKey(req.publicKey);
  return db.transaction(
    async (tx) => {
      const [row] = await tx.query<{ public_key: Uint8Array | null; key_registered_at: number | null }>(
        'SELECT public_key, key_registered_at FROM terminals WHERE id = $1 FOR UPDATE',
        [terminal.terminalId],
      );
      if (row === undefined) throw new HttpError(404, 'NOT_FOUND', 'This terminal is not known.');
      if (row.public_key !== null) {
        if (!Buffer.from(row.public_key).equals(raw))
          throw new HttpError(409, 'CONFLICT', 'This terminal already has another device key. Pair it again to use a new one.');
        return answer(terminal.terminalId, req.publicKey, Number(row.key_registered_at ?? now));
      }
      await tx.query('UPDATE terminals SET public_key = $2, hmac_key = NULL, key_registered_at = $3 WHERE id = $1', [
        terminal.terminalId,
        raw,
        now,
      ]);
      return answer(terminal.terminalId, req.publicKey, now);
    },
    { name: 'device-key' },
  );
}

/** The raw 32 bytes of a base64url Ed25519 public key, or a VALIDATION error when they are not one. */
export function decodeDevicePublicKey(text: string): Buffer {
  const raw = Buffer.from(text, 'base64url');
  try {
    if (raw.length !== 32) throw new Error('length');
    devicePublicKey(raw);
  } catch {
    throw new HttpError(400, 'VALIDATION', 'The device public key is not a raw 32-byte Ed25519 key.', {
      issues: [{ path: ['publicKey'], message: 'not an Ed25519 public key' }],
    });
  }
  return raw;
}

function answer(terminalId: string, publicKey: string, registeredAt: number): DeviceKeyResponse {
  return { terminalId, publicKey, protocolVersion: 2, registeredAt };
}
