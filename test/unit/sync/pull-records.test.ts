/**
 * A pulled page is read record by record: one member, product or staff record the contract refuses
 * is left out and reported by its id, the rest of the page applies and the cursor moves on. The
 * envelope (cursor, programmes, keys…) stays strict. (The real server with a corrupted row is in
 * test/integration/sync-pull-unreadable.test.ts.)
 */
import { afterEach, expect, test } from 'vitest';
import type { Logger } from '../../../main/backend/platform/logging.ts';
import { unreadableCounts } from '../../../main/backend/store/unreadable-records.ts';
import { pullChanges } from '../../../main/backend/sync/pull.ts';
import { pullEnvelopeSchema, readPullPage } from '../../../main/backend/sync/pull-records.ts';
import type { MemberRecord } from '../../../shared/sync-protocol.ts';
import { checkInvariants } from '../../helpers/ledger-invariants.ts';
import { createTestTerminal, type TestTerminal } from '../../helpers/terminal.ts';

const open: TestTerminal[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

const NOW = Date.UTC(2025, 2, 15, 10, 0);
const idOf = (i: number) => `${i.toString(16).padStart(8, '0')}-0000-7000-8000-000000000000`;

function member(i: number, balance = 50): MemberRecord {
  return {
    id: idOf(i),
    status: 'active',
    tier: 'bronze',
    balance,
    lots: balance > 0 ? [{ remaining: balance, expiresAt: null }] : [],
    cards: [String(i).padStart(12, '0')],
    enrolledStore: 'store-1',
    enrolledAt: NOW,
    birthday: null,
    personal: {
      name: `Private Name ${i}`,
      phone: `+33 6 ${String(i).padStart(8, '0')}`,
      email: null,
      birthDate: null,
      consentMarketing: false,
    },
    updatedAt: NOW,
  };
}

/** A page as the server's JSON text would give it, parsed the way the client parses it (2^53 + 1 cannot be held exactly). */
function envelope(fields: Record<string, unknown>, cursor = 'c1') {
  const text = JSON.stringify({
    members: [],
    programs: [],
    products: [],
    staff: [],
    publicKeys: [],
    revokedTokens: [],
    nextCursor: cursor,
    more: false,
    terminalAppliedSeq: 0,
    serverTime: NOW,
    ...fields,
  }).replace('"BIG"', '9007199254740993');
  return pullEnvelopeSchema.parse(JSON.parse(text));
}

test('a member with a balance beyond the bounds, a fractional lot or no readable id is left out; the others are read', () => {
  const { page, unreadable } = readPullPage(
    envelope({
      members: [
        member(1),
        { ...member(2), balance: 'BIG' },
        member(3),
        { ...member(4), lots: [{ remaining: 1.5, expiresAt: null }] },
        { ...member(5), id: 'not-a-uuid' },
        'garbage',
        member(7),
      ],
    }),
  );
  expect(page.members.map((m) => m.id)).toEqual([idOf(1), idOf(3), idOf(7)]);
  expect(unreadable).toEqual([
    { kind: 'member', recordId: idOf(2) },
    { kind: 'member', recordId: idOf(4) },
    { kind: 'member', recordId: '#c1:4' },
    { kind: 'member', recordId: '#c1:5' },
  ]);
});

test('products and staff are read one by one too; the rest of the envelope is strict', () => {
  const good = { sku: 'BREAD', name: 'Bread', category: 'bakery', priceMinor: 250, barcodes: [], active: true };
  const staff = { id: 'cashier-9', name: 'Sam', role: 'cashier', pinHash: 'x', active: true };
  const { page, unreadable } = readPullPage(
    envelope({
      products: [good, { ...good, sku: 'TV', priceMinor: 12.5 }],
      staff: [staff, { ...staff, id: 'owner-1', role: 'owner' }],
    }),
  );
  expect(page.products.map((p) => p.sku)).toEqual(['BREAD']);
  expect(page.staff.map((s) => s.id)).toEqual(['cashier-9']);
  expect(unreadable).toEqual([
    { kind: 'product', recordId: 'TV' },
    { kind: 'staff', recordId: 'owner-1' },
  ]);
  // A page whose cursor, flags or programmes cannot be read is refused whole: the cursor must not move past it.
  expect(() => envelope({ nextCursor: 7 })).toThrow();
  expect(() => envelope({ terminalAppliedSeq: -1 })).toThrow();
  expect(() => envelope({ programs: [{ version: 0, config: {} }] })).toThrow();
});

test('the pull applies the rest of the page, moves on, counts and logs the unreadable record by id only; a readable version later takes it off the count', async () => {
  const t = createTestTerminal({ now: NOW });
  open.push(t);
  const logged: { event: string; fields: Record<string, unknown> | undefined }[] = [];
  const log: Logger = { log: (_level, event, fields) => logged.push({ event, fields }) };
  const pages = [
    envelope({ members: [member(1), { ...member(2), balance: 'BIG' }, member(3)], more: true }, 'p1'),
    envelope({ members: [member(4)] }, 'p2'),
  ];
  const client = {
    get: <T>(path: string): Promise<T> => {
      const cursor = new URL(path, 'http://server').searchParams.get('cursor');
      return Promise.resolve(pages[cursor === null ? 0 : 1] as T);
    },
  };
  const result = await pullChanges({ store: t.backend.store, client, now: () => t.clock.now(), pageSize: 3, log });
  expect(result).toMatchObject({ pages: 2, members: 3, unreadable: 1 });
  const db = t.backend.store.db;
  const known = (i: number) => db.prepare('SELECT count(*) FROM members WHERE id = ?').pluck().get(idOf(i));
  expect([1, 2, 3, 4].map(known)).toEqual([1, 0, 1, 1]);
  expect(db.prepare("SELECT value FROM settings WHERE key = 'sync.cursor'").pluck().get()).toBe('p2');
  expect(unreadableCounts(db)).toEqual({ members: 1, products: 0, staff: 0 });
  const lines = logged.filter((l) => l.event === 'sync.pull.unreadable');
  expect(lines).toEqual([{ event: 'sync.pull.unreadable', fields: { kind: 'member', id: idOf(2) } }]);
  expect(JSON.stringify(logged)).not.toContain('Private Name');
  expect(checkInvariants(db)).toEqual([]);

  // The server corrects the record: the next pull brings it readable, and it is no longer counted.
  pages[1] = envelope({ members: [{ ...member(2), balance: 80, lots: [{ remaining: 80, expiresAt: null }] }] }, 'p3');
  await pullChanges({ store: t.backend.store, client, now: () => t.clock.now(), pageSize: 3, log });
  expect(known(2)).toBe(1);
  expect(db.prepare('SELECT balance FROM members WHERE id = ?').pluck().get(idOf(2))).toBe(80);
  expect(unreadableCounts(db)).toEqual({ members: 0, products: 0, staff: 0 });
});
