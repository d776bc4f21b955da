import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { writeTransaction } from '../../main/backend/store/connection.ts';
import { upsertTokenKey, revokeMemberToken } from '../../main/backend/store/member-token-keys.ts';
import type { ScanEvent } from '../../shared/scan.ts';
import { programWith } from '../fixtures/program.ts';
import { CARD, LUHN_RANGE, makeKey, tokenFor } from '../fixtures/member-tokens.ts';
import { createTestTerminal, PRODUCTS, type TestTerminal } from '../helpers/terminal.ts';

/** `scan.resolve`: every kind of scan, through the real dispatcher, against a real SQLite file. */
const key = makeKey(3);
let t: TestTerminal;
let cashier: string;
let logLines: string[];
let published: ScanEvent[];

beforeEach(() => {
  logLines = [];
  t = createTestTerminal({
    program: programWith({ cards: { ranges: [LUHN_RANGE] } }),
    log: { log: (level, event, fields) => logLines.push(JSON.stringify({ level, event, ...fields })) },
  });
  cashier = t.login('cashier');
  writeTransaction(t.backend.store, (db) =>
    upsertTokenKey(db, { keyId: key.keyId, publicKey: key.raw, revokedAt: null, now: t.clock.now() }),
  );
  published = [];
  t.backend.scans.subscribe((e) => published.push(e));
});
afterEach(() => t.close());

const scan = (text: string, source: ScanEvent['source'] = 'wedge') => t.call('scan.resolve', { source, text, at: t.clock.now() }, cashier);

describe('scan.resolve', () => {
  test('a member token names the member; a card number too; both via the stream', () => {
    const member = t.enrol(t.login('manager'), { name: 'Grace Hopper', cardNumber: CARD });
    const token = tokenFor(key, { memberId: member.id, cardNumber: CARD, issuedAt: t.clock.now() - 1000, expiresAt: null });
    expect(scan(token, 'camera')).toMatchObject({ kind: 'member', via: 'token', member: { id: member.id, name: 'Grace Hopper' } });
    expect(scan(CARD)).toMatchObject({ kind: 'member', via: 'card', member: { id: member.id } });
    expect(published.map((e) => e.source)).toEqual(['camera', 'wedge']);
  });

  test('a serial scan is not published twice: its adapter published it already', () => {
    scan(CARD, 'serial');
    expect(published).toEqual([]);
  });

  test('a valid card nobody holds is a blank card ready for enrolment; a bad check digit is refused before any lookup', () => {
    expect(scan(CARD)).toEqual({ kind: 'blank-card', cardNumber: CARD });
    const bad = CARD.slice(0, -1) + String((Number(CARD.at(-1)) + 1) % 10);
    expect(scan(bad)).toMatchObject({ kind: 'rejected', code: 'BAD_CHECK_DIGIT' });
    expect(scan(bad)).not.toHaveProperty('tokenReason'); // only a member QR code has one
  });

  test('a blank card scanned at enrolment is issued; a mistyped range number is refused before it is issued', () => {
    const manager = t.login('manager');
    const bad = CARD.slice(0, -1) + String((Number(CARD.at(-1)) + 1) % 10);
    expect(
      t.fail(
        'member.enrol',
        { memberId: '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a50', name: 'Typo', consentMarketing: false, cardNumber: bad },
        manager,
      ),
    ).toMatchObject({
      code: 'VALIDATION',
      details: { field: 'cardNumber', reason: 'bad-check-digit' },
    });
    expect(scan(CARD)).toEqual({ kind: 'blank-card', cardNumber: CARD });
    t.enrol(manager, { name: 'New Member', cardNumber: CARD });
    expect(scan(CARD)).toMatchObject({ kind: 'member', member: { name: 'New Member' } });
  });

  test('a genuine token for a member not on this terminal yet says so', () => {
    const token = tokenFor(key, { issuedAt: t.clock.now() - 1000, expiresAt: null });
    expect(scan(token)).toMatchObject({ kind: 'unknown-member' });
  });

  test('forged, revoked and wrong-key tokens are refused with a reason and logged without personal data', () => {
    const member = t.enrol(t.login('manager'), { name: 'Grace Hopper', phone: '+44 20 7946 0000', cardNumber: CARD });
    const forged = tokenFor(makeKey(3), { memberId: member.id, issuedAt: t.clock.now() - 1000, expiresAt: null });
    // The token's reason travels as a code too, for the screens to word in their language.
    expect(scan(forged)).toMatchObject({
      kind: 'rejected',
      code: 'BAD_TOKEN',
      tokenReason: 'bad-signature',
      reason: expect.stringContaining('not genuine'),
    });
    const unknownKey = tokenFor(makeKey(9), { memberId: member.id, issuedAt: t.clock.now() - 1000, expiresAt: null });
    expect(scan(unknownKey)).toMatchObject({ kind: 'rejected', code: 'BAD_TOKEN', tokenReason: 'unknown-key' });
    const revoked = tokenFor(key, { memberId: member.id, tokenId: 'abcdefabcdef', issuedAt: t.clock.now() - 1000, expiresAt: null });
    writeTransaction(t.backend.store, (db) => revokeMemberToken(db, 'abcdefabcdef', t.clock.now()));
    expect(scan(revoked)).toMatchObject({
      kind: 'rejected',
      code: 'BAD_TOKEN',
      tokenReason: 'revoked',
      reason: expect.stringMatching(/revoked|no longer valid|withdrawn/i),
    });
    const refusals = logLines.filter((l) => l.includes('scan.refused'));
    expect(refusals).toHaveLength(3);
    for (const line of refusals) {
      expect(line).not.toContain(member.id);
      expect(line).not.toContain('Grace');
      expect(line).not.toContain(CARD);
    }
  });

  test('a revoked key verifies nothing', () => {
    const member = t.enrol(t.login('manager'), { cardNumber: CARD });
    writeTransaction(t.backend.store, (db) =>
      upsertTokenKey(db, { keyId: key.keyId, publicKey: key.raw, revokedAt: t.clock.now(), now: t.clock.now() }),
    );
    expect(scan(tokenFor(key, { memberId: member.id, issuedAt: t.clock.now() - 1000, expiresAt: null }))).toMatchObject({
      kind: 'rejected',
      code: 'BAD_TOKEN',
    });
  });

  test('product barcodes resolve to the catalogue; unknown ones and garbage get typed answers', () => {
    const coffee = PRODUCTS[0]!;
    expect(scan(coffee.barcodes[0]!)).toMatchObject({
      kind: 'product',
      product: { sku: coffee.sku, name: coffee.name, priceMinor: coffee.priceMinor },
    });
    expect(scan('4006381333932')).toMatchObject({ kind: 'rejected', code: 'BAD_CHECK_DIGIT' });
    expect(scan('5901234123457')).toEqual({ kind: 'unknown-product', gtin: '05901234123457' });
    expect(scan('\u0000\u0001garbage')).toMatchObject({ kind: 'rejected', code: 'GARBAGE' });
  });

  test('needs a signed-in cashier, and refuses an over-long or malformed scan at the boundary', () => {
    expect(t.fail('scan.resolve', { source: 'wedge', text: CARD, at: 1 }, null).code).toBe('UNAUTHENTICATED');
    expect(t.fail('scan.resolve', { source: 'keyboard' as 'wedge', text: CARD, at: 1 }, cashier).code).toBe('VALIDATION');
    expect(t.fail('scan.resolve', { source: 'wedge', text: 'x'.repeat(10_000), at: 1 }, cashier).code).toBe('VALIDATION');
  });
});
