/**
 * The server's master key: 32 bytes kept OUTSIDE the database, under which the
 * programme's token-signing private keys (signing-keys.ts) are stored sealed
 * with AES-256-GCM. A copy of the database alone (a backup, a dump, a stolen
 * disk of the database server) then holds no key that signs a member token.
 *
 * Where it comes from (server/main.ts): `--master-key-file` or
 * LOYALTY_MASTER_KEY_FILE; without one, a PGlite data folder gets a key file
 * made beside it (`<data folder>.master-key`, mode 0600) on first start, and an
 * in-memory database a throwaway key; with DATABASE_URL one must be configured.
 * Back the file up separately from the database: without it the signing keys
 * cannot be opened (docs/operations.md, "Master key").
 *
 * Sealed form of a private key (BYTEA):
 *   "LTK1" | master key id (8 bytes) | IV (12) | GCM tag (16) | ciphertext of the PKCS#8 DER
 * with AAD = "loyalty-server/token-signing-key/v1 kid=<kid> mk=<master key id hex>", so a
 * sealed key moved to another kid (or row) does not open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Db, Queryable } from '../store/db.ts';

export class MasterKeyError extends Error {
  override readonly name = 'MasterKeyError';
}

export interface MasterKey {
  /** Hex of 8 bytes derived from the key: names the key in sealed rows and messages, reveals nothing of it. */
  readonly id: string;
  readonly key: Buffer;
  /** Where it came from, for messages: a file path, or 'memory'. */
  readonly origin: string;
}

/** The setting's names, for every message that asks for it. */
export const MASTER_KEY_SETTING = '--master-key-file / LOYALTY_MASTER_KEY_FILE';

export function masterKeyFromBytes(key: Buffer, origin: string): MasterKey {
  if (key.length !== 32) throw new MasterKeyError(`The master key from ${origin} is not 32 bytes.`);
  const id = createHash('sha256').update('loyalty-server master key id v1\0').update(key).digest().subarray(0, 8).toString('hex');
  return { id, key: Buffer.from(key), origin };
}

/** A throwaway key (an in-memory database, which dies with the process anyway). */
export function ephemeralMasterKey(): MasterKey {
  return masterKeyFromBytes(randomBytes(32), 'memory');
}

/**
 * Reads a master key file: 32 raw bytes, or text holding them as 64 hex
 * characters or base64 (e.g. `openssl rand -hex 32 > master.key`).
 */
export function readMasterKeyFile(path: string): MasterKey {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new MasterKeyError(
      code === 'ENOENT'
        ? `The master key file ${path} (${MASTER_KEY_SETTING}) does not exist. Restore it from its backup, or make a new one for a new database (openssl rand -hex 32 > ${path}; chmod 600 ${path}).`
        : `The master key file ${path} (${MASTER_KEY_SETTING}) cannot be read (${code ?? 'error'}).`,
    );
  }
  return masterKeyFromBytes(decodeKeyFile(raw, path), path);
}

function decodeKeyFile(raw: Buffer, path: string): Buffer {
  if (raw.length === 32) return raw;
  const text = raw.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  throw new MasterKeyError(`The master key file ${path} holds no 32-byte key (expected 32 raw bytes, 64 hex characters or base64).`);
}

/** The default key file of a PGlite data folder: beside it, not inside (a copy of the folder must not carry its key). */
export function defaultMasterKeyPath(dataDir: string): string {
  return `${resolve(dataDir)}.master-key`;
}

/** Reads the key file, or makes it (64 hex characters, mode 0600) when it does not exist. `created` says which. */
export function ensureMasterKeyFile(path: string): { masterKey: MasterKey; created: boolean } {
  try {
    return { masterKey: readMasterKeyFile(path), created: false };
  } catch (err) {
    if (!(err instanceof MasterKeyError) || !/does not exist/.test(err.message)) throw err;
  }
  const key = randomBytes(32);
  try {
    // 'wx': never overwrite a key another process made meanwhile (that would orphan what it sealed).
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${key.toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
    chmodSync(path, 0o600);
  } catch (raced) {
    if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
    return { masterKey: readMasterKeyFile(path), created: false };
  }
  return { masterKey: masterKeyFromBytes(key, path), created: true };
}

// ---- the key a database is used with ---------------------------------------------

const ATTACHED = new WeakMap<Db, MasterKey>();

/** The master key this database's signing keys are sealed under (store/open.ts attaches it). */
export function attachMasterKey(db: Db, masterKey: MasterKey): void {
  ATTACHED.set(db, masterKey);
}

/** A database object wrapping another (a test's statement recorder) signs with the same master key. */
export function shareMasterKey(from: Db, to: Db): void {
  const found = ATTACHED.get(from);
  if (found !== undefined) ATTACHED.set(to, found);
}

/** The attached master key, or a MasterKeyError naming the setting. */
export function masterKeyOf(db: Db): MasterKey {
  const found = ATTACHED.get(db);
  if (found === undefined)
    throw new MasterKeyError(
      `No master key is configured, so member tokens cannot be signed. Give the server its master key file (${MASTER_KEY_SETTING}).`,
    );
  return found;
}

// ---- sealing -----------------------------------------------------------------------

const MAGIC = Buffer.from('LTK1', 'ascii');
const HEADER = MAGIC.length + 8 + 12 + 16;

const aad = (kid: number, masterKeyId: string) => Buffer.from(`loyalty-server/token-signing-key/v1 kid=${kid} mk=${masterKeyId}`);

export function isSealed(stored: Uint8Array): boolean {
  return stored.length > HEADER && Buffer.from(stored.subarray(0, MAGIC.length)).equals(MAGIC);
}

/** The master key id a sealed private key names. */
export function sealedWith(stored: Uint8Array): string {
  return Buffer.from(stored.subarray(MAGIC.length, MAGIC.length + 8)).toString('hex');
}

export function sealPrivateKey(masterKey: MasterKey, kid: number, pkcs8: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey.key, iv);
  cipher.setAAD(aad(kid, masterKey.id));
  const body = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  return Buffer.concat([MAGIC, Buffer.from(masterKey.id, 'hex'), iv, cipher.getAuthTag(), body]);
}

/** The PKCS#8 DER of a sealed private key; a MasterKeyError when it is not sealed or not under this key. */
export function openPrivateKey(masterKey: MasterKey, kid: number, stored: Uint8Array): Buffer {
  if (!isSealed(stored))
    throw new MasterKeyError(`Signing key ${kid} is not sealed under a master key. Restart the server with its master key to seal it.`);
  const id = sealedWith(stored);
  if (id !== masterKey.id) throw wrongKey(masterKey, id);
  const raw = Buffer.from(stored);
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey.key, raw.subarray(MAGIC.length + 8, MAGIC.length + 20));
    decipher.setAAD(aad(kid, id));
    decipher.setAuthTag(raw.subarray(MAGIC.length + 20, HEADER));
    return Buffer.concat([decipher.update(raw.subarray(HEADER)), decipher.final()]);
  } catch {
    throw new MasterKeyError(`Signing key ${kid} does not open with master key ${masterKey.id}: the row is damaged or was moved.`);
  }
}

function wrongKey(masterKey: MasterKey, sealedId: string): MasterKeyError {
  return new MasterKeyError(
    `The token-signing keys in this database are sealed under master key ${sealedId}, but the configured master key (${masterKey.origin}) is ${masterKey.id}. ` +
      `Give the server the master key file this database was sealed with (${MASTER_KEY_SETTING}). Nothing was changed.`,
  );
}

/**
 * The start-up step that seals keys stored in plain form by a server from before
 * master keys. First checks that every unrevoked key already sealed is under
 * this master key (a wrong key fails here, before anything is written; a revoked
 * key never signs again, so one sealed under a lost master key does not stop the
 * start); then seals the plain ones, each in place. Returns how many it sealed.
 */
export async function sealPlainSigningKeys(db: Db, masterKey: MasterKey): Promise<{ sealed: number }> {
  return db.transaction(
    async (tx: Queryable) => {
      const rows = await tx.query<{ kid: number; private_key: Uint8Array; revoked_at: number | null }>(
        'SELECT kid, private_key, revoked_at FROM signing_keys ORDER BY kid FOR UPDATE',
      );
      for (const r of rows)
        if (r.revoked_at === null && isSealed(r.private_key) && sealedWith(r.private_key) !== masterKey.id)
          throw wrongKey(masterKey, sealedWith(r.private_key));
      let sealed = 0;
      for (const r of rows) {
        if (isSealed(r.private_key)) continue;
        await tx.query('UPDATE signing_keys SET private_key = $2 WHERE kid = $1', [
          r.kid,
          sealPrivateKey(masterKey, r.kid, Buffer.from(r.private_key)),
        ]);
        sealed++;
      }
      return { sealed };
    },
    { name: 'seal-signing-keys' },
  );
}
