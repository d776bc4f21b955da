/**
 * The encrypted backup file: AES-256-GCM in chunks, streamed (a terminal's
 * database can be gigabytes; no more than one chunk is in memory), under the
 * terminal's 'backup' key (sealed-keys.ts, derived from the device key kept
 * outside the database). A backup file therefore opens only on the terminal
 * that made it, and reveals nothing (not even that it is SQLite) without its key.
 *
 *   header: 'LTBACKUP' | version 1 (1 byte) | salt (16) | nonce prefix (8) | key check (16)
 *   then chunks: ciphertext of up to 1 MiB of the database, then its 16-byte tag
 *
 * Each file has its own key, HKDF(backup key, salt), and its own random nonce
 * prefix; chunk i is sealed with the IV (prefix | i) and the additional data
 * (header | i | last-chunk flag), so a chunk moved, dropped, repeated or cut off
 * (a file truncated even at a chunk's end) fails its tag. The key check (an HMAC
 * of the header under the file key) tells "another terminal's key" apart from
 * "damaged": the first is a clear message, not a tag failure.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../../shared/errors.ts';

const MAGIC = Buffer.from('LTBACKUP', 'latin1');
const VERSION = 1;
const SALT_BYTES = 16;
const PREFIX_BYTES = 8;
const CHECK_BYTES = 16;
const TAG_BYTES = 16;
/** What the chunks' additional data binds: magic, version, salt, nonce prefix. */
const BOUND_BYTES = MAGIC.length + 1 + SALT_BYTES + PREFIX_BYTES;
export const SEALED_HEADER_BYTES = BOUND_BYTES + CHECK_BYTES;
/** Plaintext bytes per chunk (the last may be shorter). */
export const SEALED_CHUNK_BYTES = 1 << 20;

function fileKey(backupKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', backupKey, salt, 'loyalty-terminal/backup-file/v1', 32));
}

function keyCheck(key: Buffer, bound: Buffer): Buffer {
  return createHmac('sha256', key).update('key-check').update(bound).digest().subarray(0, CHECK_BYTES);
}

function iv(prefix: Buffer, index: number): Buffer {
  const out = Buffer.alloc(12);
  prefix.copy(out, 0);
  out.writeUInt32BE(index, PREFIX_BYTES);
  return out;
}

function aad(bound: Buffer, index: number, last: boolean): Buffer {
  const out = Buffer.alloc(bound.length + 9);
  bound.copy(out, 0);
  out.writeBigUInt64BE(BigInt(index), bound.length);
  out[bound.length + 8] = last ? 1 : 0;
  return out;
}

/** Reads exactly `length` bytes at `position` (fewer only at the end of the file). */
async function readAt(file: FileHandle, buffer: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) done += (await file.write(data, done, data.length - done)).bytesWritten;
}

/** True when the file starts like a sealed backup (false for a plain SQLite file). */
export async function isSealedBackup(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    return (await readAt(file, head, head.length, 0)) === head.length && head.equals(MAGIC);
  } finally {
    await file.close();
  }
}

/** Encrypts `sourcePath` into `destPath` (created, mode 0600; it must not exist). */
export async function sealFile(sourcePath: string, destPath: string, backupKey: Buffer): Promise<void> {
  const source = await open(sourcePath, 'r');
  try {
    const dest = await open(destPath, 'wx', 0o600);
    try {
      const salt = randomBytes(SALT_BYTES);
      const prefix = randomBytes(PREFIX_BYTES);
      const bound = Buffer.concat([MAGIC, Buffer.from([VERSION]), salt, prefix]);
      const key = fileKey(backupKey, salt);
      await writeAll(dest, Buffer.concat([bound, keyCheck(key, bound)]));
      const size = (await source.stat()).size;
      const chunks = Math.max(1, Math.ceil(size / SEALED_CHUNK_BYTES));
      const buffer = Buffer.alloc(SEALED_CHUNK_BYTES);
      for (let i = 0; i < chunks; i++) {
        const want = Math.min(SEALED_CHUNK_BYTES, size - i * SEALED_CHUNK_BYTES);
        const got = await readAt(source, buffer, want, i * SEALED_CHUNK_BYTES);
        if (got !== want) throw new Error(`${basename(sourcePath)} changed size while it was being encrypted`);
        const cipher = createCipheriv('aes-256-gcm', key, iv(prefix, i));
        cipher.setAAD(aad(bound, i, i === chunks - 1));
        await writeAll(dest, Buffer.concat([cipher.update(buffer.subarray(0, want)), cipher.final(), cipher.getAuthTag()]));
      }
      await dest.sync();
    } finally {
      await dest.close();
    }
  } finally {
    await source.close();
  }
}

export function otherKeyError(path: string): AppError {
  return new AppError(
    'VALIDATION',
    `The backup ${basename(path)} cannot be opened with this terminal's device key: it was made on another terminal or its key is gone. Restore it on the terminal that made it.`,
    { reason: 'backup_other_key' },
  );
}

function damagedError(path: string, what: string): AppError {
  return new AppError('VALIDATION', `The backup ${basename(path)} is damaged or incomplete (${what}): it cannot be restored.`, {
    reason: 'backup_damaged',
  });
}

/**
 * Decrypts a sealed backup into `destPath` (created, mode 0600; it must not exist),
 * or, with `destPath` null, only checks every chunk's tag. Throws a typed error for
 * a file sealed under another key or one damaged, truncated or reordered; the
 * caller removes a half-written `destPath`.
 */
export async function openSealedFile(sourcePath: string, destPath: string | null, backupKey: Buffer): Promise<void> {
  const source = await open(sourcePath, 'r');
  try {
    const size = (await source.stat()).size;
    const header = Buffer.alloc(SEALED_HEADER_BYTES);
    if ((await readAt(source, header, header.length, 0)) !== header.length || !header.subarray(0, MAGIC.length).equals(MAGIC))
      throw damagedError(sourcePath, 'not an encrypted terminal backup');
    if (header[MAGIC.length] !== VERSION) throw damagedError(sourcePath, `unknown format version ${header[MAGIC.length]}`);
    const bound = header.subarray(0, BOUND_BYTES);
    const salt = bound.subarray(MAGIC.length + 1, MAGIC.length + 1 + SALT_BYTES);
    const prefix = bound.subarray(MAGIC.length + 1 + SALT_BYTES);
    const key = fileKey(backupKey, salt);
    if (!timingSafeEqual(keyCheck(key, bound), header.subarray(BOUND_BYTES))) throw otherKeyError(sourcePath);
    const body = size - SEALED_HEADER_BYTES;
    const sealedChunk = SEALED_CHUNK_BYTES + TAG_BYTES;
    const chunks = Math.ceil(body / sealedChunk);
    if (chunks === 0 || body - (chunks - 1) * sealedChunk < TAG_BYTES) throw damagedError(sourcePath, 'cut short');
    const dest = destPath === null ? null : await open(destPath, 'wx', 0o600);
    try {
      const buffer = Buffer.alloc(sealedChunk);
      for (let i = 0; i < chunks; i++) {
        const last = i === chunks - 1;
        const length = last ? body - i * sealedChunk : sealedChunk;
        if ((await readAt(source, buffer, length, SEALED_HEADER_BYTES + i * sealedChunk)) !== length)
          throw damagedError(sourcePath, 'cut short');
        const decipher = createDecipheriv('aes-256-gcm', key, iv(prefix, i));
        decipher.setAAD(aad(bound, i, last));
        decipher.setAuthTag(buffer.subarray(length - TAG_BYTES, length));
        let plain: Buffer;
        try {
          plain = Buffer.concat([decipher.update(buffer.subarray(0, length - TAG_BYTES)), decipher.final()]);
        } catch {
          throw damagedError(sourcePath, `part ${i + 1} of ${chunks} failed its authentication check`);
        }
        if (dest !== null) await writeAll(dest, plain);
      }
      await dest?.sync();
    } finally {
      await dest?.close();
    }
  } finally {
    await source.close();
  }
}
