/**
 * The terminal's device credentials, encrypted at rest. The Ed25519 device
 * private key made at pairing (request-signer.ts) signs every request — or, for
 * a pairing made before device keys, the HMAC secret from /v1/pair until the
 * terminal registers a device key (device-key.ts). A copy of the database alone
 * (a backup, a support dump) must not let anyone sign as this terminal. So the credentials
 * are sealed with AES-256-GCM under a device key kept OUTSIDE the database:
 * by default a key file next to it (`<db>.key`, mode 0600, made on first use);
 * the Electron shell can supply a key from safeStorage instead (DeviceKeySource).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';

export const syncCredentialsSchema = z
  .object({
    serverUrl: z.string(),
    terminalId: z.string(),
    storeId: z.string(),
    /**
     * Protocol version 1: the HMAC secret from /v1/pair. Present only in a pairing
     * made before device keys; dropped once the server has the device key.
     */
    secret: z.string().optional(),
    /**
     * Protocol version 2: the Ed25519 device signing key, private (PKCS#8 DER, base64url).
     * With `secret` beside it, the key pair is made but not yet known to be registered
     * (POST /v1/device-key): the secret still signs until the server confirms.
     */
    signingKey: z.string().optional(),
    caPem: z.string().nullable(),
    /** The store's and this terminal's names as the server had them at pairing, for Settings (absent in pairings made before they were kept). */
    storeName: z.string().optional(),
    terminalName: z.string().optional(),
  })
  .refine((c) => c.secret !== undefined || c.signingKey !== undefined, 'credentials hold neither a device key nor a secret');
export type SyncCredentials = z.infer<typeof syncCredentialsSchema>;

/** Gives the 32-byte device key (creating it if the source can). */
export type DeviceKeySource = () => Buffer;

const VERSION = 'v1';
// Binds the ciphertext to its purpose: a blob sealed for something else does not open here.
const AAD = Buffer.from('loyalty-terminal/sync-credentials/v1');

/** The default source: `<dbPath>.key`, 32 random bytes, created once with mode 0600. */
export function keyFileSource(keyPath: string): DeviceKeySource {
  let cached: Buffer | null = null;
  return () => {
    if (cached !== null) return cached;
    let key: Buffer;
    try {
      key = readFileSync(keyPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      key = randomBytes(32);
      try {
        // 'wx': never overwrite a key another process made meanwhile (that would orphan its credentials).
        const fd = openSync(keyPath, 'wx', 0o600);
        try {
          writeSync(fd, key);
        } finally {
          closeSync(fd);
        }
        chmodSync(keyPath, 0o600);
      } catch (raced) {
        if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
        key = readFileSync(keyPath);
      }
    }
    if (key.length !== 32)
      throw new AppError(
        'VALIDATION',
        `The device key file ${keyPath} is damaged (expected 32 bytes). Pair the terminal again after removing it.`,
      );
    cached = key;
    return key;
  };
}

export function sealCredentials(credentials: SyncCredentials, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export function openCredentials(sealed: string, key: Buffer): SyncCredentials {
  const [version, data] = sealed.split('.');
  if (version !== VERSION || data === undefined)
    throw new AppError('VALIDATION', 'The stored sync credentials are in an unknown format. Pair the terminal again.');
  const raw = Buffer.from(data, 'base64url');
  let text: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(AAD);
    decipher.setAuthTag(raw.subarray(12, 28));
    text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new AppError(
      'VALIDATION',
      'The stored sync credentials cannot be opened with this device key (the key file was replaced?). Pair the terminal again.',
    );
  }
  const parsed = syncCredentialsSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new AppError('VALIDATION', 'The stored sync credentials are incomplete (no signing key). Pair the terminal again.');
  return parsed.data;
}
