/**
 * What each command writes is declared once, in the contract (shared/api.ts
 * `writes`): dispatch wakes the sync engine after an 'outbox' command, and a
 * command declared to write nothing gets a store it can only read. This drives
 * every command of the contract on a real terminal database and holds each
 * declaration to what the command did: an outbox row from a command not
 * declared 'outbox' (it would wait for the next interval instead of being
 * pushed), or any row changed by a command declared `writes: false`, fails.
 * Reads run again after the member's points expired, when a read path would
 * be tempted to write the expiry.
 */
import { afterEach, expect, test } from 'vitest';
import { api, type Input, type Method, type Output } from '../../shared/api.ts';
import { createDispatcher } from '../../main/backend/dispatch.ts';
import { uuidv7 } from '../../main/backend/platform/ids.ts';
import { createTestTerminal, STAFF, type TestTerminal } from '../helpers/terminal.ts';

let t: TestTerminal;
afterEach(() => t.close());

interface Observed {
  method: Method;
  ok: boolean;
  outboxRows: number;
  changedRows: number;
}

test('every command writes what the contract declares, and one declared to write nothing changes no row', async () => {
  t = createTestTerminal();
  const db = t.backend.store.db;
  const dispatch = createDispatcher(t.backend, { validateOutput: true });
  const outboxCount = () => db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;
  const totalChanges = () => db.prepare('SELECT total_changes()').pluck().get() as number;
  const observed: Observed[] = [];
  let id = 1;
  const call = async <M extends Method>(method: M, input: Input<M>, token: string | null = null): Promise<Output<M> | undefined> => {
    const [outbox, changes] = [outboxCount(), totalChanges()];
    const response = await dispatch({ id: id++, method, input, token });
    observed.push({ method, ok: response.ok, outboxRows: outboxCount() - outbox, changedRows: totalChanges() - changes });
    // A refusal is part of the check too: a refused command must not have written either.
    return response.ok ? (response.result as Output<M>) : undefined;
  };
  const login = async (who: keyof typeof STAFF): Promise<string> =>
    (await call('staff.login', { staffId: STAFF[who].id, pin: STAFF[who].pin }))!.token;

  await call('terminal.info', {});
  await call('staff.list', {});
  let cashier = await login('cashier');
  let manager = await login('manager');
  const admin = await login('admin');
  const memberId = uuidv7(t.clock.now());
  const card = '2900000000017';
  await call(
    'member.enrol',
    { memberId, name: 'Élodie Martin', phone: '+33 6 12 34 56 78', consentMarketing: true, cardNumber: card },
    manager,
  );
  const basket = { memberId, lines: [{ sku: 'COFFEE-1KG', quantity: 2 }, { sku: 'BREAD' }] };
  const earned = await call('sale.commit', { ...basket, saleId: uuidv7(t.clock.now()) }, cashier);
  expect(earned?.pointsAwarded).toBeGreaterThan(0);
  await call('points.adjust', { adjustmentId: uuidv7(t.clock.now()), memberId, points: 600, reason: 'goodwill' }, manager);
  const hold = await call('redemption.hold', { holdId: uuidv7(t.clock.now()), memberId, points: 500 }, cashier);
  expect(hold).toMatchObject({ mode: 'offline', allowed: true });
  await call('redemption.release', { holdId: uuidv7(t.clock.now()) }, cashier);
  const spent = await call(
    'sale.commit',
    { ...basket, saleId: uuidv7(t.clock.now()), redemption: { kind: 'points', points: 500 } },
    cashier,
  );
  expect(spent?.redemption?.points).toBe(500);
  await call('sale.void', { saleId: spent!.saleId }, cashier);
  await call('sale.refund', { refundId: uuidv7(t.clock.now()), saleId: earned!.saleId, lines: [{ lineNo: 1, quantity: 1 }] }, manager);
  await call('staff.login', { staffId: STAFF.cashier2.id, pin: '0000' }); // a wrong PIN, for the unlock to clear
  await call('staff.unlock', { staffId: STAFF.cashier2.id }, manager);
  await call('sync.status', {}, cashier);
  await call('sync.link', {});
  await call('sync.flags', {}, manager);
  await call('sync.now', {}, manager); // not paired: nothing to do
  await call('member.issueToken', { memberId }, manager); // not paired: refused
  await call('sync.pair', { serverUrl: 'http://127.0.0.1:1', code: 'ABCD-EFGH' }, admin); // nobody listens: refused
  await call('scanner.ports', {}, admin);
  await call('scanner.status', {}, admin);
  await call('terminal.pairing', {}, admin);
  await call('terminal.stats', {}, admin);
  await call('diagnostics.export', {}, admin);

  const reads = async () => {
    await call('member.get', { memberId }, cashier);
    await call('member.byCard', { card }, cashier);
    await call('member.search', { phonePrefix: '+33 6 12' }, cashier);
    await call('member.search', { namePrefix: 'elod' }, cashier);
    await call('member.duplicates', { phone: '+33 6 12 34 56 78', email: 'someone@example.org' }, manager);
    await call('staff.lockouts', {}, manager);
    await call('member.history', { memberId }, cashier);
    // Not paired: the online look-ups answer `unavailable`, the history this till's own ledger.
    await call('member.searchOnline', { query: 'elodie' }, cashier);
    await call('member.fullHistory', { memberId }, cashier);
    await call('sale.preview', { ...basket, redemption: { kind: 'points', points: 10 } }, cashier);
    await call('scan.resolve', { source: 'wedge', text: card, at: t.clock.now() }, cashier);
    await call('report.endOfDay', {}, manager);
    await call('receipt.get', { saleId: earned!.saleId }, cashier);
    await call('receipt.print', { saleId: earned!.saleId, language: 'en' }, cashier); // no printer: the dialog's turn
    await call('printer.status', {}, cashier);
    await call('printer.test', { language: 'en' }, admin);
    await call('display.show', { phase: 'basket', ...basket }, cashier);
    await call('display.show', { phase: 'paid', memberId, lines: [], saleId: earned!.saleId }, cashier);
    await call('display.current', {});
  };
  await reads();
  // Two years on, every lot of the member is due: a read shows the points as expired without writing the expiry.
  t.clock.advance(2 * 366 * 86_400_000);
  cashier = await login('cashier');
  manager = await login('manager');
  await reads();
  expect((await call('member.get', { memberId }, cashier))?.balance).toBe(0);
  expect(db.prepare("SELECT count(*) FROM ledger WHERE kind = 'expire'").pluck().get()).toBe(0);
  await call('staff.logout', {}, cashier);

  // Every command of the contract was driven, so a new one cannot slip past this check.
  expect(new Set(observed.map((o) => o.method))).toEqual(new Set(Object.keys(api)));
  for (const o of observed) {
    const declared = api[o.method].writes;
    if (o.outboxRows > 0) expect(declared, `${o.method} wrote an outbox row`).toBe('outbox');
    if (declared === false) expect(o.changedRows, `${o.method} is declared to write nothing`).toBe(0);
  }
  // And every 'outbox' declaration is earned: each such command wrote an event at least once.
  const wroteOutbox = new Set(observed.filter((o) => o.ok && o.outboxRows > 0).map((o) => o.method));
  const declaredOutbox = Object.entries(api)
    .filter(([, spec]) => spec.writes === 'outbox')
    .map(([method]) => method);
  expect(new Set(declaredOutbox)).toEqual(wroteOutbox);
});
