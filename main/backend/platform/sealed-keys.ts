/**
 * Purpose keys derived from the terminal's device key (sync/credentials.ts:
 * kept OUTSIDE the database, as `<db>.key` or sealed by the OS keyring). A copy
 * of the database or of a backup holds none of them, so it neither verifies a
 * PIN nor opens a backup. Each purpose has its own key (HKDF-SHA256), so a key
 * used for one never serves another.
 */
import { hkdfSync } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import type { DeviceKeySource } from '../sync/credentials.ts';

export type KeyPurpose = 'pin-verifier' | 'backup';

const SALT = Buffer.from('loyalty-terminal/sealed-keys');

/** The 32-byte key for `purpose` derived from a 32-byte device key. */
export function subKey(deviceKey: Buffer, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', deviceKey, SALT, `loyalty-terminal/${purpose}/v1`, 32));
}

/** The purpose keys of one terminal, derived on first use (the device key source may create the key file). */
export interface SealedKeys {
  pinVerifier(): Buffer;
  backup(): Buffer;
}

export function sealedKeys(source: DeviceKeySource): SealedKeys {
  const cache = new Map<KeyPurpose, Buffer>();
  const get = (purpose: KeyPurpose) => {
    let key = cache.get(purpose);
    if (key === undefined) {
      key = subKey(source(), purpose);
      cache.set(purpose, key);
    }
    return key;
  };
  return { pinVerifier: () => get('pin-verifier'), backup: () => get('backup') };
}

/** The keys a store was opened with (createBackend always gives them); a store opened without the device key has none. */
export function keysOf(store: { keys?: SealedKeys }): SealedKeys {
  if (store.keys === undefined)
    throw new AppError(
      'INTERNAL',
      'This terminal was opened without its device key, so staff PINs and backups cannot be sealed or opened.',
    );
  return store.keys;
}
