import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { SafeStorage } from 'electron';
import { AppError } from '../../shared/errors.ts';
import { keyFileSource, type DeviceKeySource } from '../backend/sync/credentials.ts';

/**
 * The device key that seals the sync credentials, protected by the OS
 * (safeStorage: DPAPI on Windows, the keyring on Linux) as `<db>.key.sealed`.
 * Where the OS offers no real protection (Linux without a keyring: the
 * 'basic_text' backend) the plain key file `<db>.key` (mode 0600) is used,
 * as by the Node CLI. Once a terminal has one kind, it keeps it: switching
 * would orphan its credentials.
 */
export type KeyStore = 'sealed' | 'file';
export type Protection = 'strong' | 'none';

export function chooseKeyStore(state: { sealedExists: boolean; fileExists: boolean; protection: Protection }): KeyStore {
  if (state.sealedExists) return 'sealed';
  if (state.fileExists) return 'file';
  return state.protection === 'strong' ? 'sealed' : 'file';
}

export function protectionOf(
  safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend'>,
  platform: NodeJS.Platform,
): Protection {
  if (!safeStorage.isEncryptionAvailable()) return 'none';
  if (platform !== 'linux') return 'strong';
  const backend = safeStorage.getSelectedStorageBackend();
  return backend === 'basic_text' || backend === 'unknown' ? 'none' : 'strong';
}

export function safeStorageKeySource(
  safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'>,
  dbPath: string,
  platform: NodeJS.Platform = process.platform,
): DeviceKeySource {
  const sealedPath = `${dbPath}.key.sealed`;
  const filePath = `${dbPath}.key`;
  const store = chooseKeyStore({
    sealedExists: existsSync(sealedPath),
    fileExists: existsSync(filePath),
    protection: protectionOf(safeStorage, platform),
  });
  if (store === 'file') return keyFileSource(filePath);
  let cached: Buffer | null = null;
  return () => {
    if (cached) return cached;
    if (!existsSync(sealedPath)) {
      const fd = openSync(sealedPath, 'wx', 0o600);
      try {
        writeSync(fd, safeStorage.encryptString(randomBytes(32).toString('base64')));
      } finally {
        closeSync(fd);
      }
    }
    let key: Buffer;
    try {
      key = Buffer.from(safeStorage.decryptString(readFileSync(sealedPath)), 'base64');
    } catch {
      throw new AppError(
        'VALIDATION',
        `The device key ${sealedPath} cannot be opened by this user's keyring. Run the terminal as the user that paired it, or pair again after removing the file.`,
      );
    }
    if (key.length !== 32)
      throw new AppError('VALIDATION', `The device key ${sealedPath} is damaged. Pair the terminal again after removing it.`);
    cached = key;
    return key;
  };
}

/** For the Node CLI, which has no safeStorage: a terminal whose key is sealed must be provisioned through the app. */
export function nodeKeySource(dbPath: string): DeviceKeySource {
  const sealedPath = `${dbPath}.key.sealed`;
  if (existsSync(sealedPath)) {
    return () => {
      throw new AppError(
        'VALIDATION',
        `This terminal's device key is protected by the OS keyring (${sealedPath}): run the installed app (loyalty-terminal --pair …) instead of the Node entry.`,
      );
    };
  }
  return keyFileSource(`${dbPath}.key`);
}
