import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyMemberToken, type VerifyOptions } from '../../../main/backend/scanning/member-token-verify.ts';
import { CARD, DAY, ISSUED, keyring, makeKey, MEMBER_ID, NOW, tokenBytes, tokenFor, tokenText } from '../../fixtures/member-tokens.ts';

const server = makeKey(1);
const attacker = makeKey(1); // same key id, different key: a forgery
const options = (overrides: Partial<VerifyOptions> = {}): VerifyOptions => ({ keys: keyring(server), now: NOW, ...overrides });

describe('verifyMemberToken: genuine tokens', () => {
  it('accepts a token signed by the server key and returns its fields', () => {
    expect(verifyMemberToken(tokenFor(server), options())).toEqual({
      ok: true,
      memberId: MEMBER_ID,
      cardNumber: CARD,
      keyId: 1,
      tokenId: 'a1b2c3d4e5f6',
      issuedAt: ISSUED,
      expiresAt: ISSUED + 30 * DAY,
    });
  });

  it('accepts a raw 32-byte public key as synced from the server', () => {
    expect(verifyMemberToken(tokenFor(server), options({ keys: new Map([[1, server.raw]]) }))).toMatchObject({ ok: true });
  });

  it('accepts a token without expiry and a lower-case (Caps Lock) spelling', () => {
    expect(verifyMemberToken(tokenFor(server, { expiresAt: null }), options({ now: ISSUED + 3650 * DAY }))).toMatchObject({
      ok: true,
      expiresAt: null,
    });
    expect(verifyMemberToken(tokenFor(server).toLowerCase(), options())).toMatchObject({ ok: true });
  });

  it('key rotation: tokens of the old and the new key both verify while both are published', () => {
    const oldKey = makeKey(1);
    const newKey = makeKey(2);
    const keys = keyring(oldKey, newKey);
    expect(verifyMemberToken(tokenFor(oldKey), { keys, now: NOW })).toMatchObject({ ok: true, keyId: 1 });
    expect(verifyMemberToken(tokenFor(newKey), { keys, now: NOW })).toMatchObject({ ok: true, keyId: 2 });
    // Once the old key is withdrawn its tokens stop working.
    expect(verifyMemberToken(tokenFor(oldKey), { keys: keyring(newKey), now: NOW })).toMatchObject({
      ok: false,
      reason: 'unknown-key',
      keyId: 1,
    });
  });
});

describe('verifyMemberToken: refusals', () => {
  it('forged: signed by another key under a known key id', () => {
    expect(verifyMemberToken(tokenFor(attacker), options())).toMatchObject({ ok: false, reason: 'bad-signature', keyId: 1 });
  });

  it('a token signed by key 1 but relabelled as key 2 fails: the key id is signed', () => {
    const key2 = makeKey(2);
    const bytes = tokenBytes(tokenFor(server));
    bytes[1] = 2;
    expect(verifyMemberToken(tokenText(bytes), options({ keys: keyring(server, key2) }))).toMatchObject({
      ok: false,
      reason: 'bad-signature',
      keyId: 2,
    });
  });

  it('a changed member id or expiry under the original signature fails', () => {
    const bytes = tokenBytes(tokenFor(server));
    bytes[2] = bytes[2]! ^ 1;
    expect(verifyMemberToken(tokenText(bytes), options())).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('unknown key id', () => {
    const result = verifyMemberToken(tokenFor(makeKey(9)), options());
    expect(result).toMatchObject({ ok: false, reason: 'unknown-key', keyId: 9 });
    if (!result.ok) expect(result.message).toMatch(/key 9/);
  });

  it('a key that is not Ed25519, or raw bytes of the wrong size, counts as unknown', () => {
    const { publicKey: x25519 } = generateKeyPairSync('x25519');
    expect(verifyMemberToken(tokenFor(server), options({ keys: new Map([[1, x25519]]) }))).toMatchObject({
      ok: false,
      reason: 'unknown-key',
    });
    expect(verifyMemberToken(tokenFor(server), options({ keys: new Map([[1, new Uint8Array(31)]]) }))).toMatchObject({
      ok: false,
      reason: 'unknown-key',
    });
  });

  it('truncated at every length', () => {
    const text = tokenFor(server);
    for (let n = 0; n < text.length; n++) {
      const result = verifyMemberToken(text.slice(0, n), options());
      expect(result.ok, `length ${n}`).toBe(false);
      if (!result.ok) expect(['truncated', 'malformed'], `length ${n}`).toContain(result.reason);
    }
  });

  it('every single-bit flip in the payload or the signature is refused', () => {
    const text = tokenFor(server);
    const body = text.slice(4);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const reasons = new Set<string>();
    for (let i = 0; i < body.length; i++) {
      for (let bit = 0; bit < 5; bit++) {
        const flipped = alphabet[alphabet.indexOf(body[i]!) ^ (1 << bit)]!;
        const result = verifyMemberToken('LT1.' + body.slice(0, i) + flipped + body.slice(i + 1), options());
        expect(result.ok, `character ${i} bit ${bit}`).toBe(false);
        if (!result.ok) reasons.add(result.reason);
      }
    }
    // Payload flips mostly break the signature; some break the structure or the key id first.
    expect(reasons).toContain('bad-signature');
    expect([...reasons].every((r) => ['bad-signature', 'malformed', 'truncated', 'unknown-key', 'unknown-version'].includes(r))).toBe(true);
  });

  it('expired, at the very instant of expiry and after', () => {
    const expiresAt = ISSUED + DAY;
    const text = tokenFor(server, { expiresAt });
    expect(verifyMemberToken(text, options({ now: expiresAt - 1 }))).toMatchObject({ ok: true });
    expect(verifyMemberToken(text, options({ now: expiresAt }))).toMatchObject({
      ok: false,
      reason: 'expired',
      keyId: 1,
      tokenId: 'a1b2c3d4e5f6',
    });
  });

  it('not yet valid: issued beyond the allowed clock skew', () => {
    const text = tokenFor(server, { issuedAt: NOW + 10 * 60_000, expiresAt: NOW + DAY });
    expect(verifyMemberToken(text, options())).toMatchObject({ ok: false, reason: 'not-yet-valid' });
    expect(verifyMemberToken(text, options({ clockSkewMs: 15 * 60_000 }))).toMatchObject({ ok: true });
    // Within the default 5 minutes a fast server clock is tolerated.
    expect(verifyMemberToken(tokenFor(server, { issuedAt: NOW + 60_000 }), options())).toMatchObject({ ok: true });
  });

  it('revoked by token id, and the callback sees token and member', () => {
    const seen: [string, string][] = [];
    const isRevoked = (tokenId: string, memberId: string) => {
      seen.push([tokenId, memberId]);
      return tokenId === 'a1b2c3d4e5f6';
    };
    expect(verifyMemberToken(tokenFor(server), options({ isRevoked }))).toMatchObject({
      ok: false,
      reason: 'revoked',
      tokenId: 'a1b2c3d4e5f6',
    });
    expect(verifyMemberToken(tokenFor(server, { tokenId: '000000000001' }), options({ isRevoked }))).toMatchObject({ ok: true });
    expect(seen).toEqual([
      ['a1b2c3d4e5f6', MEMBER_ID],
      ['000000000001', MEMBER_ID],
    ]);
  });

  it('a forged token is never reported as expired or revoked: its fields are not trusted', () => {
    const forged = tokenFor(attacker, { expiresAt: ISSUED + 1000 });
    expect(verifyMemberToken(forged, options({ isRevoked: () => true }))).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('unknown version', () => {
    expect(verifyMemberToken('LT7.' + tokenFor(server).slice(4), options())).toMatchObject({ ok: false, reason: 'unknown-version' });
  });

  it('refusal messages are plain words and carry no member id or card number', () => {
    const refusals = [
      tokenFor(attacker),
      tokenFor(makeKey(9)),
      tokenFor(server).slice(0, 60),
      tokenFor(server, { expiresAt: ISSUED + 1000 }),
    ].map((t) => verifyMemberToken(t, options()));
    for (const r of refusals) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.message.length).toBeGreaterThan(20);
        expect(r.message).not.toContain(MEMBER_ID);
        expect(r.message).not.toContain(CARD);
      }
    }
  });
});
