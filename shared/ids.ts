import { z } from 'zod';

/** A UUID as every id in this product is written: lower-case hex, hyphenated. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const uuidSchema = z.string().regex(UUID_PATTERN, 'expected a lower-case UUID');

let lastMs = -1;
let counter = 0;

/**
 * UUIDv7 (RFC 9562): 48-bit ms timestamp, then a 12-bit counter that keeps ids
 * made in the same millisecond in order, then random bits. Time-ordered ids
 * keep B-tree inserts at the right edge and sort outbox events by creation.
 * Web Crypto only, so the renderer (sale ids) and the backend share it.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now <= lastMs) {
    counter++;
    if (counter > 0xfff) {
      lastMs++; // borrow the next millisecond rather than repeat an id
      counter = 0;
    }
  } else {
    lastMs = now;
    counter = 0;
  }
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const ms = lastMs;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((counter >>> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
