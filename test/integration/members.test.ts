import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { jsonLogger } from '../../main/backend/platform/logging.ts';
import { rotatingLog } from '../../main/backend/platform/log-files.ts';
import { createTestTerminal, TUESDAY, type TestTerminal } from '../helpers/terminal.ts';

let t: TestTerminal;
afterEach(() => t.close());

describe('enrolment and lookup', () => {
  test('enrols with a card, gives the enrolment bonus, and is found by card, phone and name', () => {
    t = createTestTerminal({ now: TUESDAY });
    const manager = t.login('manager');
    const cashier = t.login('cashier');
    const memberId = uuidv7();
    const enrolled = t.call(
      'member.enrol',
      {
        memberId,
        name: 'Élodie Martin',
        phone: '+33 6 12 34 56 78',
        email: 'elodie@example.org',
        birthDate: '1990-07-14',
        consentMarketing: true,
        cardNumber: '2900000000017',
      },
      manager,
    );
    expect(enrolled.bonusPoints).toBe(100);
    expect(enrolled.member).toMatchObject({
      id: memberId,
      tier: 'bronze',
      tierLabel: 'Bronze',
      balance: 100,
      cards: ['2900000000017'],
      consentMarketing: true,
    });

    expect(t.call('member.byCard', { card: '2900000000017' }, cashier).id).toBe(memberId);
    expect(t.call('member.search', { phonePrefix: '+33 6 12' }, cashier).members.map((m) => m.id)).toEqual([memberId]);
    expect(t.call('member.search', { namePrefix: 'elo' }, cashier).members.map((m) => m.id)).toEqual([memberId]);
    expect(t.call('member.search', { namePrefix: 'ÉLODIE M' }, cashier).members.map((m) => m.id)).toEqual([memberId]);
    // Any word of the name: the surname too.
    expect(t.call('member.search', { namePrefix: 'martin' }, cashier).members.map((m) => m.id)).toEqual([memberId]);
    expect(t.fail('member.byCard', { card: '2900000000024' }, cashier).code).toBe('NOT_FOUND');

    const consent = t.backend.store.db.prepare('SELECT consent_marketing, consent_at FROM members WHERE id = ?').get(memberId);
    expect(consent).toEqual({ consent_marketing: 1, consent_at: TUESDAY });
  });

  test('enrolling the same id twice is a no-op; a card already in use is refused', () => {
    t = createTestTerminal();
    const manager = t.login('manager');
    const input = { memberId: uuidv7(), name: 'Ann Lee', consentMarketing: false, cardNumber: 'C-1' };
    t.call('member.enrol', input, manager);
    expect(t.call('member.enrol', input, manager).bonusPoints).toBe(0);
    expect(t.backend.store.db.prepare('SELECT count(*) FROM ledger').pluck().get()).toBe(1);
    expect(t.fail('member.enrol', { ...input, memberId: uuidv7() }, manager).code).toBe('CARD_IN_USE');
  });

  test('warns about an existing member with the same phone or email', () => {
    t = createTestTerminal();
    const manager = t.login('manager');
    const first = t.enrol(manager, { phone: '0612345678', email: 'A@Example.org' });
    const byPhone = t.call('member.enrol', { memberId: uuidv7(), name: 'Twin', phone: '06 12 34 56 78', consentMarketing: false }, manager);
    expect(byPhone.duplicates.map((d) => d.id)).toEqual([first.id]);
    const byEmail = t.call('member.enrol', { memberId: uuidv7(), name: 'Twin', email: 'a@example.org', consentMarketing: false }, manager);
    expect(byEmail.duplicates.map((d) => d.id)).toEqual([first.id]);
  });

  test('invalid enrolment input names each bad field', () => {
    t = createTestTerminal();
    const error = t.fail(
      'member.enrol',
      { memberId: 'not-a-uuid', name: '', email: 'nope', birthDate: '14/07/1990', consentMarketing: false },
      t.login('manager'),
    );
    expect(error.code).toBe('VALIDATION');
    const paths = (error.details!.issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(['birthDate', 'email', 'memberId', 'name']);
  });

  test('no personal data reaches the log, even when commands fail', () => {
    const lines: string[] = [];
    t = createTestTerminal({ log: jsonLogger((l) => lines.push(l), 'debug') });
    const manager = t.login('manager');
    t.call(
      'member.enrol',
      {
        memberId: uuidv7(),
        name: 'Zoë Secret',
        phone: '+44 7700 900123',
        email: 'zoe@secret.example',
        consentMarketing: false,
        cardNumber: 'CARD-SECRET',
      },
      manager,
    );
    t.fail(
      'member.enrol',
      { memberId: uuidv7(), name: 'Zoë Secret', phone: '+44 7700 900123', consentMarketing: false, cardNumber: 'CARD-SECRET' },
      manager,
    );
    t.call('member.search', { namePrefix: 'Zoë' }, manager);
    t.fail('member.byCard', { card: 'CARD-UNKNOWN-777' }, manager);
    t.fail('staff.login', { staffId: 'manager-1', pin: '0000' });
    expect(lines.length).toBeGreaterThan(4);
    const log = lines.join('\n');
    for (const secret of ['Zoë', 'Secret', '7700', 'secret.example', 'CARD-SECRET', 'CARD-UNKNOWN', '0000', '5678'])
      expect(log).not.toContain(secret);
  });

  test('a free-text reason never reaches the log files, whatever the caller logs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lt-logs-'));
    const file = rotatingLog({ dir, name: 'backend' });
    try {
      const log = jsonLogger((l) => file.write(l), 'debug');
      t = createTestTerminal({ log });
      const manager = t.login('manager');
      const member = t.enrol(manager, { name: 'Maëlys Quarrington', phone: '+44 7700 900456' });
      const reason = 'goodwill for Maëlys Quarrington, +44 7700 900456, maelys.q@example.com';
      t.call('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 30, reason }, manager);
      t.fail('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: -100_000, reason }, manager);
      t.fail('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 0, reason }, manager);
      // A careless call site: the logger redacts free-text and personal keys at any depth, and scrubs e-mails and phones from
      // any string (a name in a message string it cannot tell: call sites log ids and codes, never text).
      log.log('info', 'careless', {
        detail: { adjustment: { reason, note: 'Maëlys', query: 'Quarr' } },
        text: 'call back on +44 7700 900456 or maelys.q@example.com',
      });
      file.close();
      const written = readdirSync(dir)
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n');
      expect(written).toContain('"event":"careless"');
      for (const secret of ['Maëlys', 'Quarr', '7700', '900456', 'maelys.q@example.com', 'goodwill']) expect(written).not.toContain(secret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('refunds, adjustments, expiry and tiers', () => {
  test('a partial refund reverses the points of its lines; refunding the rest reverses exactly what was earned', () => {
    t = createTestTerminal({ now: TUESDAY });
    const cashier = t.login('cashier');
    const manager = t.login('manager');
    const member = t.enrol(manager);
    const saleId = uuidv7();
    // 3 × 15.00 coffee beans (triple points) = 135 points; 3 × 2.50 bread = 7 points (base 52 floors on the whole basket).
    const sale = t.call(
      'sale.commit',
      {
        saleId,
        memberId: member.id,
        lines: [
          { sku: 'COFFEE-1KG', quantity: 3 },
          { sku: 'BREAD', quantity: 3 },
        ],
      },
      cashier,
    );
    const coffee = sale.lines[0]!.earnPoints;
    expect(coffee + sale.lines[1]!.earnPoints).toBe(sale.earnPoints);

    const first = t.call('sale.refund', { refundId: uuidv7(), saleId, lines: [{ lineNo: 1, quantity: 1 }] }, manager);
    expect(first.pointsReversed).toBe(Math.floor(coffee / 3));
    expect(first.refundMinor).toBe(1500);
    const rest = t.call(
      'sale.refund',
      {
        refundId: uuidv7(),
        saleId,
        lines: [
          { lineNo: 1, quantity: 2 },
          { lineNo: 2, quantity: 3 },
        ],
      },
      manager,
    );
    expect(first.pointsReversed + rest.pointsReversed).toBe(sale.earnPoints);
    expect(rest.balanceAfter).toBe(100);

    const over = t.fail('sale.refund', { refundId: uuidv7(), saleId, lines: [{ lineNo: 2, quantity: 1 }] }, manager);
    expect(over.code).toBe('REFUND_NOT_ALLOWED');
    expect(t.fail('sale.void', { saleId }, manager).code).toBe('VOID_NOT_ALLOWED');
  });

  test('a refund after the points were spent leaves a recorded debt that new points pay off first', () => {
    t = createTestTerminal({ now: TUESDAY });
    const cashier = t.login('cashier');
    const manager = t.login('manager');
    const member = t.enrol(manager); // 100
    const big = uuidv7();
    t.call('sale.commit', { saleId: big, memberId: member.id, lines: [{ sku: 'TV', quantity: 2 }] }, cashier); // +998: silver at once
    // −1000 points, then 489.00 paid earns 489 + 122 (silver ×1.25).
    t.call(
      'sale.commit',
      { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'TV' }], redemption: { kind: 'points', points: 1000 } },
      cashier,
    );
    expect(t.call('member.get', { memberId: member.id }, cashier)).toMatchObject({ balance: 709, debt: 0, tier: 'silver' });

    const refund = t.call('sale.refund', { refundId: uuidv7(), saleId: big, lines: [{ lineNo: 1, quantity: 2 }] }, manager);
    expect(refund).toMatchObject({ pointsReversed: 998, balanceAfter: 709 - 998, debtAfter: 289 });
    expect(t.call('member.get', { memberId: member.id }, cashier)).toMatchObject({ balance: -289, debt: 289, available: 0 });

    t.call('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 500, reason: 'goodwill' }, manager);
    expect(t.call('member.get', { memberId: member.id }, cashier)).toMatchObject({ balance: 211, debt: 0, available: 211 });
  });

  test('adjustments need a reason, are audited, are idempotent, and never drive a balance below zero', () => {
    t = createTestTerminal();
    const manager = t.login('manager');
    const member = t.enrol(manager);
    expect(t.fail('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 50, reason: '' }, manager).code).toBe(
      'VALIDATION',
    );
    const id = uuidv7();
    expect(
      t.call('points.adjust', { adjustmentId: id, memberId: member.id, points: -40, reason: 'duplicate bonus' }, manager).balance,
    ).toBe(60);
    expect(
      t.call('points.adjust', { adjustmentId: id, memberId: member.id, points: -40, reason: 'duplicate bonus' }, manager).balance,
    ).toBe(60);
    expect(t.fail('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: -61, reason: 'too much' }, manager).code).toBe(
      'INSUFFICIENT_POINTS',
    );
    const audit = t.backend.store.db.prepare("SELECT staff_id, subject, details FROM audit_log WHERE action = 'points.adjust'").all();
    expect(audit).toEqual([
      { staff_id: 'manager-1', subject: member.id, details: JSON.stringify({ adjustmentId: id, points: -40, reason: 'duplicate bonus' }) },
    ]);
  });

  test('points expire 12 months after they were earned, oldest first, and show as expiring 30 days before', () => {
    t = createTestTerminal({ now: TUESDAY });
    const manager = t.login('manager');
    const member = t.enrol(manager); // 100 points on 11 March 2025
    t.clock.set(Date.UTC(2025, 5, 1, 10));
    t.call('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 40, reason: 'goodwill' }, t.login('manager'));
    t.clock.set(Date.UTC(2026, 1, 20, 10)); // 19 days before the first lot expires
    expect(t.call('member.get', { memberId: member.id }, t.login('cashier'))).toMatchObject({ balance: 140, expiringIn30Days: 100 });
    t.clock.set(Date.UTC(2026, 2, 11, 10)); // the first lot's expiry
    const cashier = t.login('cashier');
    expect(t.call('member.get', { memberId: member.id }, cashier)).toMatchObject({ balance: 40, available: 40, expiringIn30Days: 0 });
    expect(t.call('member.search', { namePrefix: member.name! }, cashier).members.map((m) => m.balance)).toEqual([40]);
    const expired = () => t.backend.store.db.prepare("SELECT points FROM ledger WHERE kind = 'expire'").pluck().all();
    expect(expired()).toEqual([]); // a read never writes: the next write for the member records the expiry
    t.call('sale.commit', { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'BREAD' }] }, cashier);
    expect(expired()).toEqual([-100]);
    expect(t.backend.store.db.prepare('SELECT balance FROM members WHERE id = ?').pluck().get(member.id)).toBe(
      t.call('member.get', { memberId: member.id }, cashier).balance,
    );
  });

  test('history shows sales with their explanation and the ledger', () => {
    t = createTestTerminal({ now: TUESDAY });
    const cashier = t.login('cashier');
    const member = t.enrol(t.login('manager'));
    t.call('sale.commit', { saleId: uuidv7(), memberId: member.id, lines: [{ sku: 'APPLES', quantity: 2 }] }, cashier);
    const history = t.call('member.history', { memberId: member.id }, cashier);
    expect(history.sales).toHaveLength(1);
    expect(history.sales[0]!.explanation.map((e) => e.rule)).toEqual(['base', 'rule:organic']);
    expect(history.ledger.map((e) => [e.kind, e.points])).toEqual([
      ['earn', 16],
      ['bonus', 100],
    ]);
  });
});

describe('end of day', () => {
  test('counts the store-local day: sales, members, points issued and redeemed, enrolments, refunds', () => {
    t = createTestTerminal({ now: Date.UTC(2025, 2, 11, 22, 30) }); // 23:30 Tuesday in Paris
    const manager = t.login('manager');
    const cashier = t.login('cashier');
    const member = t.enrol(manager);
    t.call('points.adjust', { adjustmentId: uuidv7(), memberId: member.id, points: 500, reason: 'goodwill' }, manager);
    const saleId = uuidv7();
    t.call('sale.commit', { saleId, memberId: member.id, lines: [{ sku: 'TV' }], redemption: { kind: 'points', points: 600 } }, cashier);
    t.call('sale.commit', { saleId: uuidv7(), memberId: null, lines: [{ sku: 'BREAD' }] }, cashier);
    t.call('sale.refund', { refundId: uuidv7(), saleId, lines: [{ lineNo: 1, quantity: 1 }] }, manager);
    t.clock.set(Date.UTC(2025, 2, 11, 23, 30)); // 00:30 Wednesday in Paris: another day
    t.call('sale.commit', { saleId: uuidv7(), memberId: null, lines: [{ sku: 'BREAD' }] }, t.login('cashier'));

    const report = t.call('report.endOfDay', { date: '2025-03-11' }, t.login('manager'));
    expect(report).toMatchObject({
      date: '2025-03-11',
      sales: 2,
      salesWithMember: 1,
      revenueMinor: 49_900 - 600 + 250,
      discountMinor: 600,
      refundsMinor: 49_300,
      pointsIssued: 100 + 493,
      pointsRedeemed: 600,
      pointsReversed: 493,
      pointsRestored: 600,
      enrolments: 1,
      redemptionRate: 1,
      adjustments: 1,
      adjustmentPoints: 500,
    });
    expect(t.call('report.endOfDay', {}, t.login('manager')).sales).toBe(1);
  });
});
