import type { Handlers } from '../handler-types.ts';
import { currentProgram } from '../store/program.ts';
import { commitSale } from './commit.ts';
import { offlineCapsNow, previewSale } from './preview.ts';
import { refundAtAnyTill } from './refund-at-any-till.ts';
import { voidSale } from './void.ts';

export const saleHandlers = {
  'sale.preview': (input, ctx) =>
    previewSale(ctx.store.db, currentProgram(ctx.store.db), input, ctx.clock.now(), offlineCapsNow(ctx.sync), {
      presence: ctx.presence,
      staffId: ctx.staff.id,
    }),
  'sale.commit': (input, ctx) =>
    commitSale(
      {
        store: ctx.store,
        now: ctx.clock.now(),
        staffId: ctx.staff.id,
        storeId: ctx.storeId,
        offlineCaps: ctx.sync.offlineCaps(),
        lockout: ctx.lockout,
        presence: ctx.presence,
      },
      input,
    ),
  'sale.void': (input, ctx) => {
    const result = voidSale(
      { store: ctx.store, now: ctx.clock.now(), staffId: ctx.staff.id, storeId: ctx.storeId, staff: ctx.staff },
      input.saleId,
    );
    ctx.sync.releaseHoldOfSale(input.saleId); // best effort, after the local void
    return result;
  },
  'sale.refund': (input, ctx) =>
    refundAtAnyTill({ store: ctx.store, staffId: ctx.staff.id, storeId: ctx.storeId }, () => ctx.clock.now(), ctx.sync, input),
} satisfies Partial<Handlers>;
