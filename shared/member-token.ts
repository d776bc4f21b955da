/**
 * Member QR token, format version 1: structure only (encode and decode), no
 * cryptography, so the renderer can import it. Signing lives in
 * server/tokens/member-token-sign.ts, verification in main/backend/scanning/member-token-verify.ts.
 *
 * Text:   "LT1." + BASE32(payload || signature)
 *         RFC 4648 base32 alphabet A–Z 2–7, no padding, decoded case-insensitively.
 *         Base32 rather than base64url because (a) a QR encoder can then use
 *         alphanumeric mode (5.5 bits a character instead of 8), which makes the
 *         symbol smaller than base64url in byte mode despite more characters, and
 *         (b) a keyboard-wedge scanner with Caps Lock on, or a layout that shifts
 *         letters, cannot corrupt a case-insensitive token.
 *
 * Payload (big-endian):
 *   offset  size  field
 *   0       1     version = 1 (must match the "LT1." prefix)
 *   1       1     key id 0–255 of the server key that signed it (rotation)
 *   2       16    member id, the 16 bytes of its UUID
 *   18      1     flags: bit 0 = expires-at present; bits 1–2 = card encoding
 *                 (0 none, 1 packed decimal digits, 2 printable ASCII); bits 3–7 zero
 *   19      1     card length (digits or characters), only when a card is present
 *   20      n     card: packed digits (two a byte, high nibble first, odd count
 *                 padded with 0xF) or ASCII bytes
 *   …       4     issued-at, seconds since the Unix epoch (uint32)
 *   …       4     expires-at, seconds since the Unix epoch (uint32), only when flagged
 *   …       6     token id (random; what a revocation list names)
 *   end     64    Ed25519 signature over SIGNING_CONTEXT || payload
 *
 * A typical token (16-digit card, with expiry) is 42 + 64 = 106 bytes, 174
 * characters of text. The text must be canonical (exact length, zero pad bits)
 * so one payload has exactly one spelling.
 */

import { UUID_PATTERN } from './ids.ts';

export const MEMBER_TOKEN_VERSION = 1;
export const MEMBER_TOKEN_PREFIX = 'LT1.';
export const SIGNATURE_BYTES = 64;
const TOKEN_ID_BYTES = 6;
const MAX_CARD_LENGTH = 64;
const MAX_SECONDS = 0xffff_ffff;

/** Domain separation: a signature over a member token can never be replayed as another message of the same key. */
const SIGNING_CONTEXT = asciiBytes('loyalty-terminal member token\n');

const FLAG_EXPIRES = 0b001;
const CARD_SHIFT = 1;
const CARD_MASK = 0b110;
const CARD_NONE = 0;
const CARD_DIGITS = 1;
const CARD_ASCII = 2;

export interface MemberTokenFields {
  keyId: number;
  /** Canonical lower-case UUID. */
  memberId: string;
  cardNumber: string | null;
  /** ms since the epoch; stored to the second (floored). */
  issuedAt: number;
  expiresAt: number | null;
  /** 12 lower-case hex characters. */
  tokenId: string;
}

export type MemberTokenFormatFailure = 'malformed' | 'truncated' | 'unknown-version';

export type DecodedMemberToken =
  | { ok: true; fields: MemberTokenFields; signingInput: Uint8Array; signature: Uint8Array }
  | { ok: false; reason: MemberTokenFormatFailure; message: string };

/** True when the text claims to be a member token of any version ("LT" + digits + "."). */
export function looksLikeMemberToken(text: string): boolean {
  return /^LT\d{1,3}\./i.test(text);
}

/** Builds the token text; `sign` receives the exact bytes to sign and returns a 64-byte signature. Throws RangeError on invalid fields (server side). */
export function encodeMemberToken(fields: MemberTokenFields, sign: (bytes: Uint8Array) => Uint8Array): string {
  const payload = encodePayload(fields);
  const signature = sign(signingInput(payload));
  if (signature.length !== SIGNATURE_BYTES) throw new RangeError(`signature must be ${SIGNATURE_BYTES} bytes`);
  const all = new Uint8Array(payload.length + SIGNATURE_BYTES);
  all.set(payload);
  all.set(signature, payload.length);
  return MEMBER_TOKEN_PREFIX + base32Encode(all);
}

/** Reads the structure without checking the signature. Never throws. */
export function decodeMemberToken(text: string): DecodedMemberToken {
  const prefix = /^LT(\d{1,3})\./i.exec(text);
  if (!prefix) return fail('malformed', 'This is not a member QR code.');
  if (Number(prefix[1]) !== MEMBER_TOKEN_VERSION) {
    return fail(
      'unknown-version',
      `This member QR code is format version ${prefix[1]}, which this terminal does not know. Update the terminal.`,
    );
  }
  const body = text.slice(prefix[0].length);
  const bytes = base32Decode(body);
  if (bytes === null) return fail('malformed', 'The member QR code contains characters that do not belong in it.');
  if (bytes.length === 0) return fail('truncated', 'The member QR code is cut short.');
  if (bytes[0] !== MEMBER_TOKEN_VERSION)
    return fail('unknown-version', `The member QR code carries format version ${bytes[0]}, which this terminal does not know.`);

  const layout = payloadLength(bytes);
  if (layout === 'truncated') return fail('truncated', 'The member QR code is cut short.');
  if (typeof layout === 'string') return fail('malformed', layout);
  if (bytes.length < layout + SIGNATURE_BYTES) return fail('truncated', 'The member QR code is cut short.');
  if (bytes.length > layout + SIGNATURE_BYTES) return fail('malformed', 'The member QR code has extra data after the signature.');
  if (body.length !== base32Length(bytes.length) || !padBitsAreZero(body))
    return fail('malformed', 'The member QR code is not in its canonical form.');

  const payload = bytes.subarray(0, layout);
  const fields = readFields(payload);
  if (typeof fields === 'string') return fail('malformed', fields);
  return { ok: true, fields, signingInput: signingInput(payload), signature: bytes.slice(layout) };
}

function fail(reason: MemberTokenFormatFailure, message: string): DecodedMemberToken {
  return { ok: false, reason, message };
}

function signingInput(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(SIGNING_CONTEXT.length + payload.length);
  out.set(SIGNING_CONTEXT);
  out.set(payload, SIGNING_CONTEXT.length);
  return out;
}

// ---- payload ---------------------------------------------------------------

function encodePayload(f: MemberTokenFields): Uint8Array {
  if (!Number.isInteger(f.keyId) || f.keyId < 0 || f.keyId > 255) throw new RangeError('keyId must be an integer 0–255');
  const member = uuidBytes(f.memberId);
  if (!member) throw new RangeError('memberId must be a UUID');
  const tokenId = hexBytes(f.tokenId, TOKEN_ID_BYTES);
  if (!tokenId) throw new RangeError(`tokenId must be ${TOKEN_ID_BYTES * 2} hex characters`);
  const issued = toSeconds(f.issuedAt, 'issuedAt');
  const expires = f.expiresAt === null ? null : toSeconds(f.expiresAt, 'expiresAt');
  if (expires !== null && expires <= issued) throw new RangeError('expiresAt must be after issuedAt');
  const card = encodeCard(f.cardNumber);

  const out: number[] = [MEMBER_TOKEN_VERSION, f.keyId, ...member];
  out.push((expires === null ? 0 : FLAG_EXPIRES) | (card.kind << CARD_SHIFT));
  if (card.kind !== CARD_NONE) out.push(card.length, ...card.bytes);
  pushUint32(out, issued);
  if (expires !== null) pushUint32(out, expires);
  out.push(...tokenId);
  return Uint8Array.from(out);
}

function encodeCard(card: string | null): { kind: number; length: number; bytes: number[] } {
  if (card === null) return { kind: CARD_NONE, length: 0, bytes: [] };
  if (card.length === 0 || card.length > MAX_CARD_LENGTH) throw new RangeError(`cardNumber must be 1–${MAX_CARD_LENGTH} characters`);
  if (/^\d+$/.test(card)) {
    const bytes: number[] = [];
    for (let i = 0; i < card.length; i += 2) {
      const low = i + 1 < card.length ? card.charCodeAt(i + 1) - 48 : 0xf;
      bytes.push(((card.charCodeAt(i) - 48) << 4) | low);
    }
    return { kind: CARD_DIGITS, length: card.length, bytes };
  }
  if (!/^[\x21-\x7e]+$/.test(card)) throw new RangeError('cardNumber must be printable ASCII without spaces');
  return { kind: CARD_ASCII, length: card.length, bytes: [...asciiBytes(card)] };
}

/** Payload length implied by the header, 'truncated' when the header itself is cut, or a malformation message. */
function payloadLength(b: Uint8Array): number | 'truncated' | string {
  if (b.length < 19) return 'truncated';
  const flags = b[18]!;
  if ((flags & ~(FLAG_EXPIRES | CARD_MASK)) !== 0) return 'The member QR code uses flags this terminal does not know.';
  const cardKind = (flags & CARD_MASK) >> CARD_SHIFT;
  let length = 19;
  if (cardKind === CARD_DIGITS || cardKind === CARD_ASCII) {
    if (b.length < 20) return 'truncated';
    const n = b[19]!;
    if (n === 0 || n > MAX_CARD_LENGTH) return 'The member QR code has an impossible card number length.';
    length = 20 + (cardKind === CARD_DIGITS ? Math.ceil(n / 2) : n);
  } else if (cardKind !== CARD_NONE) {
    return 'The member QR code uses a card encoding this terminal does not know.';
  }
  return length + 4 + ((flags & FLAG_EXPIRES) !== 0 ? 4 : 0) + TOKEN_ID_BYTES;
}

/** Parses a payload whose length payloadLength() already checked. */
function readFields(b: Uint8Array): MemberTokenFields | string {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const flags = b[18]!;
  const cardKind = (flags & CARD_MASK) >> CARD_SHIFT;
  let at = 19;
  let cardNumber: string | null = null;
  if (cardKind !== CARD_NONE) {
    const n = b[at++]!;
    const size = cardKind === CARD_DIGITS ? Math.ceil(n / 2) : n;
    const card = cardKind === CARD_DIGITS ? unpackDigits(b.subarray(at, at + size), n) : readAscii(b.subarray(at, at + size));
    if (card === null) return 'The member QR code has an unreadable card number.';
    cardNumber = card;
    at += size;
  }
  const issued = view.getUint32(at);
  at += 4;
  let expiresAt: number | null = null;
  if ((flags & FLAG_EXPIRES) !== 0) {
    const expires = view.getUint32(at);
    at += 4;
    if (expires <= issued) return 'The member QR code expires before it was issued.';
    expiresAt = expires * 1000;
  }
  return {
    keyId: b[1]!,
    memberId: uuidString(b.subarray(2, 18)),
    cardNumber,
    issuedAt: issued * 1000,
    expiresAt,
    tokenId: hexString(b.subarray(at, at + TOKEN_ID_BYTES)),
  };
}

function unpackDigits(bytes: Uint8Array, count: number): string | null {
  let out = '';
  for (let i = 0; i < count; i++) {
    const byte = bytes[i >> 1]!;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0xf;
    if (nibble > 9) return null;
    out += String.fromCharCode(48 + nibble);
  }
  // The pad nibble of an odd count must be 0xF: any other value is a second spelling.
  if (count % 2 === 1 && (bytes[bytes.length - 1]! & 0xf) !== 0xf) return null;
  return out;
}

function readAscii(bytes: Uint8Array): string | null {
  let out = '';
  for (const byte of bytes) {
    if (byte < 0x21 || byte > 0x7e) return null;
    out += String.fromCharCode(byte);
  }
  return out;
}

function toSeconds(ms: number, name: string): number {
  const seconds = Math.floor(ms / 1000);
  if (!Number.isFinite(ms) || seconds < 0 || seconds > MAX_SECONDS) throw new RangeError(`${name} must be between 1970 and 2106`);
  return seconds;
}

function pushUint32(out: number[], value: number): void {
  out.push((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

// ---- UUID and hex ------------------------------------------------------------

function uuidBytes(uuid: string): number[] | null {
  if (!UUID_PATTERN.test(uuid.toLowerCase())) return null;
  return hexBytes(uuid.replace(/-/g, ''), 16);
}

function uuidString(bytes: Uint8Array): string {
  const hex = hexString(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hexBytes(hex: string, size: number): number[] | null {
  if (hex.length !== size * 2 || !/^[0-9a-f]+$/i.test(hex)) return null;
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

function hexString(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

// ---- base32 (RFC 4648, no padding) ---------------------------------------------

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Length(byteCount: number): number {
  return Math.ceil((byteCount * 8) / 5);
}

function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Whole bytes only (a truncated tail is dropped, and caught by the length checks); null on a foreign character. */
function base32Decode(text: string): Uint8Array | null {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const value = base32Value(text.charCodeAt(i));
    if (value < 0) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[n++] = (buffer >> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

function padBitsAreZero(text: string): boolean {
  const unused = (text.length * 5) % 8;
  if (unused === 0) return true;
  return (base32Value(text.charCodeAt(text.length - 1)) & ((1 << unused) - 1)) === 0;
}

function base32Value(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A–Z
  if (code >= 97 && code <= 122) return code - 97; // a–z: Caps Lock and shifted layouts
  if (code >= 50 && code <= 55) return code - 24; // 2–7
  return -1;
}
