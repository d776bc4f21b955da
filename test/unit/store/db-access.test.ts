/**
 * Reads and writes have different database types (store/connection.ts), and a
 * command the contract declares to write nothing (shared/api.ts `writes:
 * false`) gets a store it can only read. The `@ts-expect-error` lines are
 * checked by `npm run typecheck`: if the guard went away they would no longer
 * be errors, and the typecheck would fail.
 */
import { expect, expectTypeOf, test } from 'vitest';
import type { Handler } from '../../../main/backend/handler-types.ts';
import { audit } from '../../../main/backend/store/audit.ts';
import {
  writeTransaction,
  type ReadableDb,
  type ReadableStore,
  type TerminalDb,
  type WritableDb,
} from '../../../main/backend/store/connection.ts';
import { memberById } from '../../../main/backend/store/members.ts';
import { createTestTerminal } from '../../helpers/terminal.ts';

const entry = { at: 0, staffId: null, action: 'test', subject: null };

test('a WritableDb is a ReadableDb, not the other way round; only the store that may write takes a write transaction', () => {
  expectTypeOf<WritableDb>().toExtend<ReadableDb>();
  expectTypeOf<ReadableDb>().not.toExtend<WritableDb>();
  expectTypeOf<TerminalDb>().toExtend<ReadableStore>();
  expectTypeOf<ReadableStore>().not.toExtend<TerminalDb>();
});

// Compiled, never run: a read-only command (member.get) can read, and every way to write is a compile error.
export const readOnlyCommand: Handler<'member.get'> = (input, ctx) => {
  memberById(ctx.store.db, input.memberId);
  // @ts-expect-error a read-only command's store has no write transaction
  writeTransaction(ctx.store, (db) => audit(db, entry));
  // @ts-expect-error a store function that writes takes a WritableDb
  audit(ctx.store.db, entry);
  // @ts-expect-error nor can it run a sync round, which writes
  void ctx.sync.syncNow();
  throw new Error('compiled only');
};

// The same calls compile in a command declared to write.
export const writingCommand: Handler<'points.adjust'> = (_input, ctx) => {
  writeTransaction(ctx.store, (db) => audit(db, entry));
  void ctx.sync.syncNow();
  throw new Error('compiled only');
};

test('the write transaction hands out the store connection itself, and what it writes commits', () => {
  const t = createTestTerminal();
  try {
    const before = t.backend.store.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
    writeTransaction(t.backend.store, (db) => {
      expect(db).toBe(t.backend.store.db);
      audit(db, entry);
    });
    expect(t.backend.store.db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(before + 1);
  } finally {
    t.close();
  }
});
