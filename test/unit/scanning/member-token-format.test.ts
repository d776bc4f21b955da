import { describe, expect, it } from 'vitest';
import {
  decodeMemberToken,
  encodeMemberToken,
  looksLikeMemberToken,
  MEMBER_TOKEN_PREFIX,
  type MemberTokenFields,
} from '../../../shared/member-token.ts';
import { CARD, DAY, ISSUED, MEMBER_ID, tokenBytes, tokenText } from '../../fixtures/member-tokens.ts';

/** Structure tests need no real key: a fixed 64-byte "signature". */
const fakeSign = (): Uint8Array => new Uint8Array(64).fill(0xab);

const fields: MemberTokenFields = {
  keyId: 7,
  memberId: MEMBER_ID,
  cardNumber: CARD,
  issuedAt: ISSUED,
  expiresAt: ISSUED + 30 * DAY,
  tokenId: 'a1b2c3d4e5f6',
};

describe('member token layout', () => {
  it('a typical token (16-digit card, expiry) is 106 bytes, 174 characters of A–Z 2–7 after LT1.', () => {
    const text = encodeMemberToken(fields, fakeSign);
    expect(text.startsWith(MEMBER_TOKEN_PREFIX)).toBe(true);
    expect(text).toHaveLength(174);
    expect(text.slice(4)).toMatch(/^[A-Z2-7]+$/);
  });

  it('round-trips every field (times to the second)', () => {
    const text = encodeMemberToken({ ...fields, issuedAt: ISSUED + 999 }, fakeSign);
    const decoded = decodeMemberToken(text);
    expect(decoded).toMatchObject({ ok: true, fields });
    if (decoded.ok) expect(decoded.signature).toEqual(fakeSign());
  });

  it('hands sign() the exact bytes the decoder reports as signed', () => {
    let signed: Uint8Array | undefined;
    const text = encodeMemberToken(fields, (bytes) => {
      signed = bytes;
      return fakeSign();
    });
    const decoded = decodeMemberToken(text);
    expect(decoded.ok && decoded.signingInput).toEqual(signed);
  });

  it.each([
    ['no card, no expiry', { cardNumber: null, expiresAt: null }],
    ['odd digit count', { cardNumber: '2950000000013' }],
    ['text card (legacy numbers)', { cardNumber: 'CARD-000001' }],
  ])('round-trips %s', (_name, overrides) => {
    const f = { ...fields, ...overrides };
    expect(decodeMemberToken(encodeMemberToken(f, fakeSign))).toMatchObject({ ok: true, fields: f });
  });

  it('the shortest token (no card, no expiry) is 93 bytes, 153 characters', () => {
    expect(encodeMemberToken({ ...fields, cardNumber: null, expiresAt: null }, fakeSign)).toHaveLength(153);
  });

  it('decodes case-insensitively, so Caps Lock on a wedge scanner does no harm', () => {
    const text = encodeMemberToken(fields, fakeSign);
    expect(decodeMemberToken(text.toLowerCase())).toMatchObject({ ok: true, fields });
  });

  it('refuses invalid fields when encoding', () => {
    expect(() => encodeMemberToken({ ...fields, keyId: 256 }, fakeSign)).toThrow(RangeError);
    expect(() => encodeMemberToken({ ...fields, memberId: 'member-1' }, fakeSign)).toThrow(RangeError);
    expect(() => encodeMemberToken({ ...fields, tokenId: 'xyz' }, fakeSign)).toThrow(RangeError);
    expect(() => encodeMemberToken({ ...fields, cardNumber: 'has space' }, fakeSign)).toThrow(RangeError);
    expect(() => encodeMemberToken({ ...fields, cardNumber: '' }, fakeSign)).toThrow(RangeError);
    expect(() => encodeMemberToken({ ...fields, expiresAt: ISSUED }, fakeSign)).toThrow(RangeError);
    expect(() => encodeMemberToken({ ...fields, issuedAt: -1 }, fakeSign)).toThrow(RangeError);
    expect(() => encodeMemberToken(fields, () => new Uint8Array(63))).toThrow(RangeError);
  });
});

describe('decodeMemberToken refusals', () => {
  const text = encodeMemberToken(fields, fakeSign);

  it('recognises the prefix of any version', () => {
    expect(looksLikeMemberToken('LT1.ABC')).toBe(true);
    expect(looksLikeMemberToken('lt2.ABC')).toBe(true);
    expect(looksLikeMemberToken('LT.ABC')).toBe(false);
    expect(looksLikeMemberToken('4006381333931')).toBe(false);
  });

  it('unknown version in the prefix or in the payload', () => {
    expect(decodeMemberToken('LT2.' + text.slice(4))).toMatchObject({ ok: false, reason: 'unknown-version' });
    const bytes = tokenBytes(text);
    bytes[0] = 2;
    expect(decodeMemberToken(tokenText(bytes))).toMatchObject({ ok: false, reason: 'unknown-version' });
  });

  it('every truncation is refused as truncated (or malformed when the prefix itself is cut)', () => {
    for (let n = 0; n < text.length; n++) {
      const result = decodeMemberToken(text.slice(0, n));
      expect(result.ok, `length ${n}`).toBe(false);
      if (!result.ok) expect(result.reason, `length ${n}`).toBe(n < 4 ? 'malformed' : 'truncated');
    }
  });

  it('extra data, foreign characters and non-canonical pad bits are malformed', () => {
    expect(decodeMemberToken(text + 'AAAAAAAA')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(decodeMemberToken(text.slice(0, 20) + '=' + text.slice(21))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(decodeMemberToken(text.slice(0, 20) + '1' + text.slice(21))).toMatchObject({ ok: false, reason: 'malformed' });
    // 106 bytes = 848 bits in 170 characters: the last character carries 2 pad bits.
    const last = text[text.length - 1]!;
    const padded = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'['ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(last) | 1]!;
    expect(decodeMemberToken(text.slice(0, -1) + padded)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('unknown flags are malformed, not guessed at', () => {
    const bytes = tokenBytes(text);
    bytes[18] = bytes[18]! | 0b1000;
    expect(decodeMemberToken(tokenText(bytes))).toMatchObject({ ok: false, reason: 'malformed' });
    bytes[18] = 0b111; // card encoding 3 does not exist
    expect(decodeMemberToken(tokenText(bytes))).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('never throws on any text', () => {
    for (const t of ['', 'LT1.', 'LT1.A', 'LT999.AAAA', 'LT1.' + 'A'.repeat(5000), 'LT1.\u0000', 'LT1.😀']) {
      expect(() => decodeMemberToken(t)).not.toThrow();
    }
  });
});
